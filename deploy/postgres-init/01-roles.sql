-- Runs once, when the PostgreSQL container initialises an empty data directory
-- (docker-entrypoint-initdb.d), as the superuser `postgres`, connected to the app's database.
--
-- Creates the two roles the application uses (docs/DEPLOY.md, "The database roles"):
--
--   owner_role (default clinic_owner): owns the schema; `manage.py migrate` and
--     `manage.py grant_app_role` run as it, never the web app. Not a superuser.
--   app_role (default clinic_app): the runtime role the web app logs in as. It owns nothing,
--     so it cannot ALTER, DISABLE or DROP a trigger or a table; it gets SELECT and INSERT on
--     every table the owner creates (default privileges below), and `grant_app_role` adds
--     UPDATE and DELETE on the tables that are not append-only.
--
-- Passwords are read from files (docker secrets), never written here; an empty or missing
-- file is refused. psql variables let the same script be tried on a scratch database:
--   OWNER_DB_PASSWORD_FILE=... APP_DB_PASSWORD_FILE=... \
--   psql -v owner_role=clinic_owner_try -v app_role=clinic_app_try -d scratch -f 01-roles.sql

\set ON_ERROR_STOP on
\if :{?owner_role}
\else
  \set owner_role clinic_owner
\endif
\if :{?app_role}
\else
  \set app_role clinic_app
\endif
\set owner_password `cat "${OWNER_DB_PASSWORD_FILE:-/run/secrets/db_owner_password}" 2>/dev/null`
\set app_password `cat "${APP_DB_PASSWORD_FILE:-/run/secrets/db_password}" 2>/dev/null`

SELECT btrim(:'owner_password', E' \t\r\n') = '' AS owner_password_empty,
       btrim(:'app_password', E' \t\r\n') = '' AS app_password_empty,
       :'owner_password' = :'app_password' AS passwords_equal \gset
\if :owner_password_empty
  DO $$ BEGIN RAISE EXCEPTION 'refusing to create the roles: the owner role''s password file '
      '(OWNER_DB_PASSWORD_FILE) is empty or missing'; END $$;
\endif
\if :app_password_empty
  DO $$ BEGIN RAISE EXCEPTION 'refusing to create the roles: the app role''s password file '
      '(APP_DB_PASSWORD_FILE) is empty or missing'; END $$;
\endif
\if :passwords_equal
  DO $$ BEGIN RAISE EXCEPTION 'refusing to create the roles: the owner and app roles must '
      'have different passwords'; END $$;
\endif

CREATE ROLE :"owner_role" WITH LOGIN PASSWORD :'owner_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT
    CONNECTION LIMIT 5;
CREATE ROLE :"app_role" WITH LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT
    CONNECTION LIMIT 100;
\unset owner_password
\unset app_password

-- Only these two roles (and the superuser) may connect to the app's database.
REVOKE ALL ON DATABASE :"DBNAME" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"DBNAME" TO :"owner_role", :"app_role";

-- The app's tables live in `public`. Only the owner may create objects there; the runtime
-- role may only use what the owner made.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO :"owner_role";
GRANT USAGE ON SCHEMA public TO :"app_role";

-- Every table and sequence the owner creates from now on: the runtime role may read and
-- append, nothing more, until `manage.py grant_app_role` adds UPDATE and DELETE on the tables
-- that are not append-only. A forgotten grant fails closed (the app cannot update), never open.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public
    GRANT SELECT, INSERT ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";

-- Statements that run away are cut off rather than holding locks for ever.
ALTER ROLE :"app_role" SET statement_timeout = '60s';
ALTER ROLE :"app_role" SET idle_in_transaction_session_timeout = '5min';
