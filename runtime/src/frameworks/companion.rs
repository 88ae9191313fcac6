//! What the two companion layers (`axum::layer()`, `actix::middleware()`) share besides the
//! recording itself ([`hot_path::layer`](crate::hot_path::layer)): their options, and the
//! decision which unmetered requests are not counted.

use std::sync::Arc;

/// The options of a companion layer, the same on both frameworks.
#[derive(Clone, Default)]
pub(crate) struct Options {
    /// Route templates and exact paths whose requests, when no `#[metered]` handler serves them,
    /// are not counted.
    exclude: Arc<[Box<str>]>,
}

impl Options {
    /// Adds `template_or_path` to the exclusions.
    ///
    /// # Panics
    ///
    /// At start-up, if it does not start with `/`: no request's template or path could match
    /// it, and a typo would otherwise count a health check forever without a word.
    pub(crate) fn exclude(self, template_or_path: &str) -> Options {
        assert!(
            template_or_path.starts_with('/'),
            "handler-metrics: `exclude({template_or_path:?})`: expected a route template or a \
             path, starting with `/` (e.g. \"/health\" or \"/users/{{id}}\")"
        );
        let mut exclude = self.exclude.to_vec();
        exclude.push(template_or_path.into());
        Options {
            exclude: exclude.into(),
        }
    }

    /// Whether an unmetered request with route template `template` (`None`: no route matched)
    /// and `path` is excluded: its template is listed, or, without one, its exact path.
    #[inline]
    pub(crate) fn excludes(&self, template: Option<&str>, path: &str) -> bool {
        let key = template.unwrap_or(path);
        self.exclude.iter().any(|excluded| **excluded == *key)
    }

    /// Whether any path is excluded at all: the actix middleware copies the exclusions into a
    /// request's future only then.
    #[cfg(feature = "actix")]
    #[inline]
    pub(crate) fn excludes_any(&self) -> bool {
        !self.exclude.is_empty()
    }
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("exclude", &self.exclude)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_is_matched_when_there_is_one_else_the_exact_path() {
        let options = Options::default()
            .exclude("/health")
            .exclude("/probe/{kind}");
        assert!(options.excludes(None, "/health"));
        assert!(options.excludes(Some("/probe/{kind}"), "/probe/live"));
        assert!(
            !options.excludes(Some("/health/{kind}"), "/health"),
            "with a template, the template decides, not the path"
        );
        assert!(!options.excludes(None, "/health/"), "exact paths only");
        assert!(!Options::default().excludes(None, "/health"));
    }

    #[test]
    #[should_panic(expected = "expected a route template or a path, starting with `/`")]
    fn an_exclusion_that_could_never_match_is_refused_at_start_up() {
        let _ = Options::default().exclude("health");
    }
}
