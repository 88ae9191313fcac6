"""Decodes a protobuf exposition (length-delimited io.prometheus.client.MetricFamily messages)
with an independent decoder: Google's protobuf runtime for Python, on the client_model schema
(`proto/metrics.proto`) compiled by the `protoc` that PyPI's grpcio-tools ships. Gunzips first
when the body is gzipped. Prints one JSON object: {"families": [...]}, each family as
`json_format.MessageToDict` gives it (proto field names; 64-bit integers as strings), plus, for
every histogram with native buckets, "native_buckets": the spans and deltas decoded into
[key, count] pairs. Exits non-zero with the decoder's message if any message does not parse.

Usage: python3 decode_protobuf.py < body
"""

import gzip
import json
import os
import sys
import tempfile

import grpc_tools
from grpc_tools import protoc


def compile_schema(out):
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "proto")
    includes = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    status = protoc.main(
        ["protoc", f"-I{here}", f"-I{includes}", f"--python_out={out}", "metrics.proto"]
    )
    if status != 0:
        sys.exit(f"protoc failed with status {status}")
    sys.path.insert(0, out)
    import metrics_pb2  # noqa: E402

    return metrics_pb2


def varint(data, at):
    """A base-128 varint at `at`: (value, next position)."""
    value, shift = 0, 0
    while True:
        if at >= len(data):
            sys.exit("truncated length prefix")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7


def native_buckets(histogram):
    """The positive spans and deltas as absolute [key, count] pairs (zero counts kept out)."""
    buckets, key, count, deltas = [], 0, 0, iter(histogram.positive_delta)
    for span in histogram.positive_span:
        key += span.offset
        for _ in range(span.length):
            count += next(deltas)
            if count:
                buckets.append([key, count])
            key += 1
    if next(deltas, None) is not None:
        sys.exit("more deltas than the spans cover")
    return buckets


def main():
    from google.protobuf import json_format

    body = sys.stdin.buffer.read()
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    with tempfile.TemporaryDirectory() as out:
        pb = compile_schema(out)
        families, at = [], 0
        while at < len(body):
            length, at = varint(body, at)
            family = pb.MetricFamily()
            family.ParseFromString(body[at : at + length])
            at += length
            as_dict = json_format.MessageToDict(family, preserving_proto_field_name=True)
            for metric, raw in zip(as_dict.get("metric", []), family.metric):
                if raw.HasField("histogram") and (
                    raw.histogram.HasField("schema") or raw.histogram.HasField("zero_threshold")
                ):
                    metric["histogram"]["native_buckets"] = native_buckets(raw.histogram)
            families.append(as_dict)
    json.dump({"families": families}, sys.stdout)


if __name__ == "__main__":
    main()
