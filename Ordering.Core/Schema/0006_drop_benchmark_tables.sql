-- The benchmark's comparison path no longer lives in ordering-api: it is its own service (bench/Baseline.Api) with
-- its own database (baselinedb), which only the benchmark's composition has. Migration 0002, which created its two
-- tables in every orderingdb, is gone from this folder: OrderingSchema applies the scripts it has that a database
-- has not seen and never looks for the ids it has recorded, so a database that ran 0002 keeps its row in
-- schema_migrations and is not disturbed. This drops the tables in such databases; in a database created without
-- them (every new one) it does nothing.

DROP TABLE IF EXISTS baseline_orders;
DROP TABLE IF EXISTS baseline_sales;
