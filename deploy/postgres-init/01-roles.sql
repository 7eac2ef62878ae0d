-- Runs once, when the PostgreSQL container initialises an empty data directory
-- (docker-entrypoint-initdb.d), as the superuser `postgres`, connected to the app's database.
--
-- Creates the two roles of docs/DEPLOY.md, "The database roles":
--   owner_role (default clinic_owner): owns the schema's tables; runs the migrations (and
--     `manage.py grant_app_role` after them). Never used by the running app.
--   app_role (default clinic_app): the running app. Owns nothing and may create nothing, so it
--     cannot ALTER, DISABLE TRIGGER, DROP or TRUNCATE anything; it gets SELECT, INSERT on every
--     table the owner creates (below), and UPDATE, DELETE only where `grant_app_role` adds them
--     (every table without an append-only `<table>_no_update_delete` trigger).
-- Neither is a superuser: a superuser can switch the triggers off.
--
-- Passwords are read from the files named by OWNER_DB_PASSWORD_FILE and APP_DB_PASSWORD_FILE
-- (defaults: the docker secrets); a missing or empty file stops the script, never an empty
-- password. psql variables let the same script be tried on a scratch database:
--   OWNER_DB_PASSWORD_FILE=... APP_DB_PASSWORD_FILE=... \
--     psql -v owner_role=try_owner -v app_role=try_app -d scratch -f 01-roles.sql

\set ON_ERROR_STOP on
\if :{?owner_role}
\else
  \set owner_role clinic_owner
\endif
\if :{?app_role}
\else
  \set app_role clinic_app
\endif

\set owner_password `cat "${OWNER_DB_PASSWORD_FILE:-/run/secrets/db_owner_password}" 2>/dev/null || true`
\set app_password `cat "${APP_DB_PASSWORD_FILE:-/run/secrets/db_password}" 2>/dev/null || true`
SELECT btrim(:'owner_password', E' \t\r\n') <> '' AS owner_password_ok,
       btrim(:'app_password', E' \t\r\n') <> '' AS app_password_ok,
       :'owner_role' <> :'app_role' AS roles_differ \gset
\if :owner_password_ok
\else
  DO $$ BEGIN RAISE EXCEPTION 'OWNER_DB_PASSWORD_FILE is missing or empty: no role is created without a password'; END $$;
\endif
\if :app_password_ok
\else
  DO $$ BEGIN RAISE EXCEPTION 'APP_DB_PASSWORD_FILE is missing or empty: no role is created without a password'; END $$;
\endif
\if :roles_differ
\else
  DO $$ BEGIN RAISE EXCEPTION 'owner_role and app_role must be two different roles'; END $$;
\endif

CREATE ROLE :"owner_role" WITH LOGIN PASSWORD :'owner_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT
    CONNECTION LIMIT 5;
CREATE ROLE :"app_role" WITH LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT
    CONNECTION LIMIT 100;
\unset owner_password
\unset app_password

-- Only these roles (and the superuser) may connect to the app's database.
REVOKE ALL ON DATABASE :"DBNAME" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"DBNAME" TO :"owner_role";
GRANT CONNECT ON DATABASE :"DBNAME" TO :"app_role";

-- The tables live in `public`: the owner creates them; the app may only use them.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO :"owner_role";
GRANT USAGE ON SCHEMA public TO :"app_role";

-- Every table a later migration creates is readable and appendable by the app at once; UPDATE
-- and DELETE come only from `manage.py grant_app_role`, so a new append-only table is never
-- writable by mistake in between. Sequences: the app's INSERTs draw ids.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public
    GRANT SELECT, INSERT ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";

-- Statements that run away are cut off rather than holding locks for ever.
ALTER ROLE :"app_role" SET statement_timeout = '60s';
ALTER ROLE :"app_role" SET idle_in_transaction_session_timeout = '5min';
ALTER ROLE :"owner_role" SET lock_timeout = '30s';
