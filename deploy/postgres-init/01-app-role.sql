-- Runs once, when the PostgreSQL container initialises an empty data directory
-- (docker-entrypoint-initdb.d), as the superuser `postgres`, connected to the app's database.
--
-- Creates the application's own role, `clinic_app`: it may log in, and it owns the tables
-- its migrations create, but it is NOT a superuser and cannot create roles or databases or
-- bypass row security. The audit trail's append-only triggers refuse TRUNCATE to every role
-- but a superuser, and a superuser can switch triggers off: the app must never be one.
-- See docs/DEPLOY.md, "The database roles".
--
-- The password is read from the docker secret the app also reads (never written here).
-- psql variables let the same script be tried on a scratch database:
--   psql -v app_role=clinic_app_try -d scratch -f 01-app-role.sql

\set ON_ERROR_STOP on
\if :{?app_role}
\else
  \set app_role clinic_app
\endif
\set app_password `cat "${APP_DB_PASSWORD_FILE:-/run/secrets/db_password}"`

CREATE ROLE :"app_role" WITH LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT
    CONNECTION LIMIT 100;
\unset app_password

-- Only this role (and the superuser) may connect to the app's database.
REVOKE ALL ON DATABASE :"DBNAME" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"DBNAME" TO :"app_role";

-- The app's tables live in `public`. The role may create objects there (migrations), and
-- owns what it creates; nobody else gets anything by default.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO :"app_role";

-- Statements that run away are cut off rather than holding locks for ever.
ALTER ROLE :"app_role" SET statement_timeout = '60s';
ALTER ROLE :"app_role" SET idle_in_transaction_session_timeout = '5min';
