"""Everything strata reads from PostgreSQL's catalogs, in one place that check, docs and the tests share."""
