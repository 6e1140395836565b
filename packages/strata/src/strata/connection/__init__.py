"""How strata connects: one place turns an app, a URL and a purpose into an engine.

URLs carry where the database is (host, port, database, TLS files, whether a
pooler sits in front). The driver, the pooler-safe settings and the driver's
own TLS arguments are decided in `factory`, and nowhere else; `resolve` says
which URL each purpose uses; `tls` translates libpq's TLS parameters for
asyncpg.
"""
