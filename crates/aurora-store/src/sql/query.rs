//! Portable query building: `$n` placeholders (PostgreSQL's, which SQLite also accepts), bind
//! values, chunked `IN` lists and multi-row inserts, and the WHERE clause of the catalogue filter.
//!
//! sqlx's `QueryBuilder<Any>` always writes `?` placeholders, which PostgreSQL rejects, so
//! queries are built here instead; bulk statements choose their placeholder spelling per
//! backend ([`Style`]).

use std::fmt::Write as _;

use aurora_model::ServiceFilter;
use sqlx::any::{Any, AnyArguments};
use sqlx::query::Query;
use sqlx::AnyConnection;

use crate::{Backend, Result};

/// Most bind parameters in one statement: under SQLite's limit (32766) and PostgreSQL's (65535),
/// and large enough that a 100,000-row import needs only some hundred statements.
pub(crate) const MAX_BINDS: usize = 16_000;

/// Ids per `IN (…)` list when looking records up by id.
pub(crate) const IN_CHUNK: usize = 1_000;

/// A borrowed bind value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Val<'a> {
    Text(&'a str),
    OptText(Option<&'a str>),
    Int(i64),
}

/// Binds `vals` in order to `sql`.
pub(crate) fn bind_all<'q>(sql: &'q str, vals: &[Val<'q>]) -> Query<'q, Any, AnyArguments<'q>> {
    let mut q = sqlx::query(sql);
    for v in vals {
        q = match *v {
            Val::Text(s) => q.bind(s),
            Val::OptText(s) => q.bind(s),
            Val::Int(i) => q.bind(i),
        };
    }
    q
}

/// How the placeholders of a large generated statement are spelled.
///
/// PostgreSQL needs `$1, $2, …`. SQLite accepts those too, but as *named* parameters, which it
/// looks up by a linear scan at parse and again at every bind: a statement with thousands of
/// them costs O(n²) per execution (seconds for a 16,000-value insert). Plain `?` is positional
/// and O(1). So bulk statements, whose values are bound once each in order, use `?` on SQLite;
/// the text of every query is otherwise identical on both backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `$1, $2, …`
    Numbered,
    /// `?, ?, …` (SQLite only)
    Anonymous,
}

impl Style {
    /// The style for the connection's backend.
    pub(crate) fn of(conn: &AnyConnection) -> Style {
        Style::for_backend(if conn.backend_name().eq_ignore_ascii_case("sqlite") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        })
    }

    /// The style for a backend.
    pub(crate) fn for_backend(backend: Backend) -> Style {
        match backend {
            Backend::Sqlite => Style::Anonymous,
            Backend::Postgres => Style::Numbered,
        }
    }
}

/// Appends `n` placeholders for the values `first…first+n-1`, comma-separated.
pub(crate) fn push_placeholders(out: &mut String, style: Style, first: usize, n: usize) {
    for i in 0..n {
        if i > 0 {
            out.push_str(", ");
        }
        match style {
            // Writing to a String cannot fail.
            Style::Numbered => {
                let _ = write!(out, "${}", first + i);
            }
            Style::Anonymous => out.push('?'),
        }
    }
}

/// `head` followed by `(…), (…)` rows of `cols` placeholders each.
pub(crate) fn multi_row_sql(
    head: &str,
    style: Style,
    cols: usize,
    rows: usize,
    tail: &str,
) -> String {
    let mut sql = String::with_capacity(head.len() + tail.len() + rows * cols * 7);
    sql.push_str(head);
    sql.push_str(" VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        push_placeholders(&mut sql, style, r * cols + 1, cols);
        sql.push(')');
    }
    sql.push_str(tail);
    sql
}

/// Inserts `vals` (row-major, `cols` per row) with multi-row INSERTs that stay under
/// [`MAX_BINDS`]. `head` is `INSERT INTO t (a, b)`; `tail` e.g. an `ON CONFLICT` clause.
pub(crate) async fn insert_rows(
    conn: &mut AnyConnection,
    head: &str,
    cols: usize,
    vals: &[Val<'_>],
    tail: &str,
) -> Result<()> {
    debug_assert!(cols > 0 && vals.len() % cols == 0);
    let style = Style::of(conn);
    let rows_per_stmt = (MAX_BINDS / cols).max(1);
    let mut full_sql: Option<String> = None;
    for chunk in vals.chunks(rows_per_stmt * cols) {
        let rows = chunk.len() / cols;
        let owned;
        let sql: &str = if rows == rows_per_stmt {
            full_sql.get_or_insert_with(|| multi_row_sql(head, style, cols, rows, tail))
        } else {
            owned = multi_row_sql(head, style, cols, rows, tail);
            &owned
        };
        bind_all(sql, chunk).execute(&mut *conn).await?;
    }
    Ok(())
}

/// `head IN ($1, …, $n) tail`.
pub(crate) fn in_list_sql(head: &str, style: Style, n: usize, tail: &str) -> String {
    let mut sql = String::with_capacity(head.len() + tail.len() + n * 7 + 4);
    sql.push_str(head);
    sql.push_str(" IN (");
    push_placeholders(&mut sql, style, 1, n);
    sql.push(')');
    sql.push_str(tail);
    sql
}

/// Deletes `DELETE FROM table WHERE column IN (ids)` in chunks.
pub(crate) async fn delete_in(
    conn: &mut AnyConnection,
    table: &str,
    column: &str,
    ids: &[&str],
) -> Result<()> {
    let style = Style::of(conn);
    for chunk in ids.chunks(IN_CHUNK) {
        let sql = in_list_sql(
            &format!("DELETE FROM {table} WHERE {column}"),
            style,
            chunk.len(),
            "",
        );
        let vals: Vec<Val<'_>> = chunk.iter().map(|s| Val::Text(s)).collect();
        bind_all(&sql, &vals).execute(&mut *conn).await?;
    }
    Ok(())
}

/// An owned bind value of a built query.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    Int(i64),
}

/// SQL text with its bind values, placeholders numbered as they are pushed.
#[derive(Debug, Default, Clone)]
pub(crate) struct Sql {
    pub(crate) text: String,
    pub(crate) args: Vec<Arg>,
}

impl Sql {
    pub(crate) fn new(text: &str) -> Self {
        Sql {
            text: text.to_string(),
            args: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    /// Appends a placeholder bound to `arg`.
    pub(crate) fn bind(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        let n = self.args.len();
        let _ = write!(self.text, "${n}");
        self
    }

    /// Binds `values` and returns their placeholders as `$3, $4` (not yet pushed), so a list
    /// can be used twice. `values` must not be empty.
    pub(crate) fn bind_list<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) -> String {
        let mut list = String::new();
        for v in values {
            self.args.push(Arg::Text(v.to_string()));
            if !list.is_empty() {
                list.push_str(", ");
            }
            let _ = write!(list, "${}", self.args.len());
        }
        list
    }

    /// Appends `other`, whose placeholders are renumbered after this query's.
    pub(crate) fn append(&mut self, other: &Sql) -> &mut Self {
        let offset = self.args.len();
        self.text.push_str(&renumber(&other.text, offset));
        self.args.extend(other.args.iter().cloned());
        self
    }

    /// The query with its values bound.
    pub(crate) fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        let mut q = sqlx::query(&self.text);
        for a in &self.args {
            q = match a {
                Arg::Text(s) => q.bind(s.as_str()),
                Arg::Int(i) => q.bind(*i),
            };
        }
        q
    }
}

/// Adds `offset` to every `$n` placeholder of `text` (the queries built here contain no string
/// literals with `$`).
fn renumber(text: &str, offset: usize) -> String {
    if offset == 0 {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        out.push(c);
        if c == '$' {
            let mut n = String::new();
            while let Some(&(_, d)) = chars.peek() {
                if d.is_ascii_digit() {
                    n.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            match n.parse::<usize>() {
                Ok(v) => {
                    let _ = write!(out, "{}", v + offset);
                }
                Err(_) => out.push_str(&n),
            }
        }
    }
    out
}

/// The WHERE clause (starting with ` WHERE`) selecting the published services of `filter`
/// from `services s`, with the reference semantics documented on [`ServiceFilter`].
///
/// Each code family is one uncorrelated `s.id IN (SELECT service_id FROM child WHERE …)`
/// semi-join (ANDed between families, values ORed within one): both planners run such a
/// subquery once from the child table's `(code, service_id)` index, where a correlated
/// `EXISTS` would be re-run per service, and PostgreSQL hashes it even inside the `OR` of
/// the area condition.
pub(crate) fn service_where(filter: &ServiceFilter) -> Sql {
    let mut sql = Sql::new(" WHERE s.archived = 0");
    if filter.only_national {
        sql.push(" AND s.nationwide = 1");
    } else if !filter.has_area() {
        if !filter.include_national {
            sql.push(" AND s.nationwide = 0");
        }
    } else {
        let union = filter.municipality_union();
        sql.push(" AND (");
        if filter.include_national {
            sql.push("s.nationwide = 1 OR ");
        }
        if union.is_empty() {
            // Area codes that name no municipality match no municipal service.
            sql.push("1 = 0");
        } else {
            let list = sql.bind_list(union.iter().map(String::as_str));
            sql.push(
                "s.id IN (SELECT m.service_id FROM service_municipalities m WHERE m.code IN (",
            )
            .push(&list)
            .push("))");
        }
        sql.push(")");
    }
    if !filter.service_classes.is_empty() {
        let list = sql.bind_list(filter.service_classes.iter().map(String::as_str));
        sql.push(" AND s.id IN (SELECT c.service_id FROM service_classes c WHERE c.code IN (")
            .push(&list)
            .push(") OR c.parent IN (")
            .push(&list)
            .push("))");
    }
    if !filter.life_events.is_empty() {
        let list = sql.bind_list(filter.life_events.iter().map(String::as_str));
        sql.push(" AND s.id IN (SELECT e.service_id FROM service_life_events e WHERE e.code IN (")
            .push(&list)
            .push(") OR e.parent IN (")
            .push(&list)
            .push("))");
    }
    if !filter.target_groups.is_empty() {
        let list = sql.bind_list(filter.target_groups.iter().map(String::as_str));
        sql.push(
            " AND s.id IN (SELECT t.service_id FROM service_target_groups t WHERE t.code IN (",
        )
        .push(&list)
        .push("))");
    }
    if !filter.collections.is_empty() {
        let list = sql.bind_list(filter.collections.iter().map(String::as_str));
        sql.push(
            " AND s.id IN (SELECT k.service_id FROM service_collections k \
             WHERE k.collection_id IN (",
        )
        .push(&list)
        .push("))");
    }
    if !filter.funding_types.is_empty() {
        let list = sql.bind_list(filter.funding_types.iter().map(|f| f.as_str()));
        sql.push(" AND s.funding_type IN (").push(&list).push(")");
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_rows_consecutively() {
        assert_eq!(
            multi_row_sql(
                "INSERT INTO t (a, b)",
                Style::Numbered,
                2,
                2,
                " ON CONFLICT DO NOTHING"
            ),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING"
        );
        assert_eq!(
            multi_row_sql("INSERT INTO t (a)", Style::Anonymous, 1, 2, ""),
            "INSERT INTO t (a) VALUES (?), (?)"
        );
        assert_eq!(
            in_list_sql("SELECT id FROM t WHERE id", Style::Numbered, 3, ""),
            "SELECT id FROM t WHERE id IN ($1, $2, $3)"
        );
    }

    #[test]
    fn append_renumbers() {
        let mut a = Sql::new("SELECT 1 WHERE x = ");
        a.bind(Arg::Int(1));
        let mut b = Sql::new(" AND y = ");
        b.bind(Arg::Int(2)).push(" AND z IN ($1)");
        a.append(&b);
        assert_eq!(a.text, "SELECT 1 WHERE x = $1 AND y = $2 AND z IN ($2)");
        assert_eq!(a.args.len(), 2);
    }

    #[test]
    fn class_list_is_bound_once_and_used_twice() {
        let f = ServiceFilter {
            service_classes: vec!["P5".into(), "P4.1".into()],
            include_national: false,
            ..ServiceFilter::default()
        };
        let w = service_where(&f);
        assert_eq!(w.args.len(), 2);
        assert!(w
            .text
            .contains("c.code IN ($1, $2) OR c.parent IN ($1, $2)"));
        assert!(w.text.contains("s.nationwide = 0"));
    }

    #[test]
    fn only_national_ignores_areas_and_empty_union_matches_no_municipality() {
        let f = ServiceFilter {
            only_national: true,
            ..ServiceFilter::default()
        };
        assert_eq!(
            service_where(&f).text,
            " WHERE s.archived = 0 AND s.nationwide = 1"
        );
        let f = ServiceFilter {
            region_codes: vec!["no such region".into()],
            include_national: false,
            ..ServiceFilter::default()
        };
        assert_eq!(service_where(&f).text, " WHERE s.archived = 0 AND (1 = 0)");
    }
}
