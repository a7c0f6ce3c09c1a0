//! Errors of the search index.

/// What went wrong; every variant is the caller's mistake (a 4xx at an HTTP edge).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SearchError {
    /// The service id is not in the index (never indexed, removed, or archived).
    #[error("service {0:?} is not in the search index (it was never indexed, was removed, or is not published)")]
    UnknownService(String),
    /// A vector of the wrong length.
    #[error("the vector for service {service_id:?} has {found} dimensions; this index holds {expected}-dimensional vectors")]
    VectorDimension {
        /// The service.
        service_id: String,
        /// The index's dimension (set by its first vector).
        expected: usize,
        /// The vector's length.
        found: usize,
    },
    /// A vector that cannot be normalised.
    #[error("the vector for service {service_id:?} is unusable: {reason}")]
    InvalidVector {
        /// The service.
        service_id: String,
        /// `"all zeros"` or `"contains NaN or infinity"`.
        reason: &'static str,
    },
}

/// Result of index operations.
pub type Result<T, E = SearchError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_is_accepted() {
        let e = SearchError::VectorDimension {
            service_id: "s1".into(),
            expected: 384,
            found: 3,
        };
        assert_eq!(
            e.to_string(),
            "the vector for service \"s1\" has 3 dimensions; this index holds 384-dimensional vectors"
        );
        assert_eq!(
            SearchError::UnknownService("x".into()).to_string(),
            "service \"x\" is not in the search index (it was never indexed, was removed, or is not published)"
        );
    }
}
