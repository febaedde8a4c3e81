-- Registers the shadowscale Iceberg catalog for Flink's SQL client:
--   sql-client.sh -i flink-conf/sql-client-init.sql
-- (iceberg-flink-runtime-2.1-1.11.0.jar and the Hadoop client jars on the SQL client's classpath).
-- Replace the warehouse with the --warehouse the job was submitted with; for the REST catalog of
-- docker/compose.yaml use the commented variant.

CREATE CATALOG shadowscale WITH (
  'type' = 'iceberg',
  'catalog-type' = 'hadoop',
  'warehouse' = 'file:///tmp/shadowscale/warehouse',
  'property-version' = '1'
);

-- CREATE CATALOG shadowscale WITH (
--   'type' = 'iceberg',
--   'catalog-type' = 'rest',
--   'uri' = 'http://iceberg-rest:8181',
--   'warehouse' = 's3://warehouse/',
--   'io-impl' = 'org.apache.iceberg.aws.s3.S3FileIO',
--   's3.endpoint' = 'http://minio:9000',
--   's3.path-style-access' = 'true',
--   'client.region' = 'us-east-1'
-- );

USE CATALOG shadowscale;
USE shadowscale;

-- the job's results are read in batch mode; times are shown in UTC like the CLI does
SET 'execution.runtime-mode' = 'batch';
SET 'sql-client.execution.result-mode' = 'tableau';
SET 'table.local-time-zone' = 'UTC';
