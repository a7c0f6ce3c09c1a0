//! (issue 5, see docs/twin-design.md: being written)
