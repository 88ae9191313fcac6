"""Scrapes a /metrics URL with a real HTTP client (urllib) and parses the answer with the parsers
of the Python Prometheus client (prometheus_client, from PyPI): its OpenMetrics parser, which
validates the whole exposition (# EOF, _total/_created, histograms, escaping, exemplars), or its
classic text parser. Decompresses gzip with Python's own gzip module. Prints one JSON object:
the response's status and headers and every family as the parser read it. Exits non-zero, with
the parser's message, if the body does not parse.

Usage: python3 scrape_and_parse.py URL ACCEPT ACCEPT_ENCODING   (empty strings: header not sent)
       python3 scrape_and_parse.py - CONTENT_TYPE                 (the body on standard input)
"""

import gzip
import json
import sys
import urllib.request

from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as parse_openmetrics,
)
from prometheus_client.parser import text_string_to_metric_families as parse_text


def main():
    if sys.argv[1] == "-":
        status, headers = None, {"content-type": sys.argv[2]}
        raw = sys.stdin.buffer.read()
    else:
        status, headers, raw = scrape(*sys.argv[1:4])
    body = gzip.decompress(raw) if headers.get("content-encoding") == "gzip" else raw
    text = body.decode("utf-8")
    content_type = headers.get("content-type", "")
    parse = parse_openmetrics if content_type.startswith("application/openmetrics-text") else parse_text
    try:
        families = [
            {
                "name": family.name,
                "type": family.type,
                "unit": family.unit,
                "help": family.documentation,
                "samples": [
                    {
                        "name": sample.name,
                        "labels": sample.labels,
                        "value": sample.value,
                        "timestamp": None if sample.timestamp is None else float(sample.timestamp),
                        "exemplar": None
                        if sample.exemplar is None
                        else {
                            "labels": sample.exemplar.labels,
                            "value": sample.exemplar.value,
                            "timestamp": None
                            if sample.exemplar.timestamp is None
                            else float(sample.exemplar.timestamp),
                        },
                    }
                    for sample in family.samples
                ],
            }
            for family in parse(text)
        ]
    except Exception as error:  # the parser's own exceptions are plain ValueErrors and others
        print(f"{parse.__module__} rejected the exposition: {error!r}\n{text}", file=sys.stderr)
        sys.exit(1)
    json.dump(
        {
            "status": status,
            "headers": headers,
            "raw_bytes": len(raw),
            "text_bytes": len(body),
            "families": families,
        },
        sys.stdout,
    )


def scrape(url, accept, accept_encoding):
    request = urllib.request.Request(url)
    if accept:
        request.add_header("Accept", accept)
    if accept_encoding:
        request.add_header("Accept-Encoding", accept_encoding)
    with urllib.request.urlopen(request, timeout=10) as response:
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, response.read()


if __name__ == "__main__":
    main()
