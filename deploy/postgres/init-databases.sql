-- Run once by the postgres image's entrypoint, on the first start with an empty
-- data volume (files in /docker-entrypoint-initdb.d are skipped afterwards; run
-- `docker compose down -v` to start over).
--
-- One database per service: each service owns its schema and applies its own
-- Alembic migrations, and no service reads another's tables. The services also
-- create their database if it is missing; creating them here keeps the local
-- stack independent of that and lets the services start in any order.
--
-- The role "branchflow" is created by the entrypoint from POSTGRES_USER.

CREATE DATABASE identify OWNER branchflow;
CREATE DATABASE referral OWNER branchflow;
CREATE DATABASE complaint OWNER branchflow;
CREATE DATABASE relationship OWNER branchflow;
