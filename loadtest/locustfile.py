"""Load test: 30 tablets taking intakes and 10 staff browsing, against 127.0.0.1 only.

Run through scripts/loadtest, which seeds a throw-away database (loadtest/data.py) and names
its JSON in LOADTEST_DATA. Each request is one server round trip (redirects are not followed
but fetched as the browser's next request), so every row of the report is one view.

The server runs with DJANGO_ENV=production behind a pretend TLS proxy: every request carries
`X-Forwarded-Proto: https` (the app trusts it: SECURE_PROXY_SSL_HEADER) and, as a browser
does on a POST, `Origin: https://<host>` for the CSRF check. The session and CSRF cookies are
`Secure`; the cookie policy below lets them travel over the loopback's plain HTTP, which is
what the TLS proxy would do. FastHttpUser (geventhttpclient) keeps the client's CPU small: it
shares the machine with the server.
"""

import itertools
import json
import os
import re
import secrets
from collections.abc import Callable
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, events, task

from loadtest.data import tablet_client, user_place

with open(os.environ["LOADTEST_DATA"]) as data_file:
    DATA = json.load(data_file)

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CONSENT_INPUT = re.compile(r'name="consent" value="(\d+)"')
TOKEN_INPUT = re.compile(r'name="submission_token" value="([0-9a-f-]{36})"')
SCREENING_LINK = re.compile(r'href="(/review/screenings/[0-9a-f-]{36}/)"')
BOOKING_LABELS = (
    "Ready",
    "Physician clearance needed",
    "Reschedule",
    "Do not book — medical referral",
)
PENDING = "Screening pending"


@events.init.add_listener
def loopback_only(environment, **kwargs):
    host = urlsplit(environment.host or "").hostname
    if host not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"the load test runs against 127.0.0.1 only, not {environment.host!r}")


class UnexpectedResponse(Exception):
    pass


def contains(text):
    return lambda response: None if text in response.text else f"page lacks {text!r}"


def autosave_accepted(response):
    errors = json.loads(response.text).get("errors")
    return f"autosave refused {errors}" if errors else None


def screened(response):
    page = response.text
    if PENDING in page or not any(label in page for label in BOOKING_LABELS):
        return "no screening behind the submitted intake"
    return None


class Browser(FastHttpUser):
    abstract = True
    max_redirects = 0  # each redirect is fetched, and counted, as the browser's next request

    def on_start(self):
        origin = "https://" + urlsplit(self.host).netloc
        self.headers = {"X-Forwarded-Proto": "https", "Origin": origin}
        # Secure cookies over the loopback (see the module docstring).
        self.client.cookiejar.set_policy(
            DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))
        )
        self.logged_in = False

    @task
    def round(self):
        """One round of this user's work (`work`, in each class). A failure is in the report
        already: the round ends, the session is forgotten and the next round logs in again."""
        try:
            self.work()
        except UnexpectedResponse:
            self.forget_session()

    work: Callable[[], None]  # each user class's round (Tablet, Staff)

    def forget_session(self):
        self.logged_in = False
        self.client.cookiejar.clear()

    # Each helper checks the one thing that proves the view did its job; anything else is a
    # failure in the report (and stops this user's round, which starts again).
    def get(self, path, name, *, expect=200, verify=None):
        with self.client.get(
            path, name=name, headers=self.headers, allow_redirects=False, catch_response=True
        ) as response:
            self._check(response, expect, verify)
            return response

    def post(self, path, name, *, data, csrf=None, expect=302, location=None, verify=None):
        """A form POST (`data`: a dict, lists for tick boxes), or the autosave's JSON POST
        with the page's CSRF token in a header, as static/js/intake.js sends it."""
        if csrf is None:
            headers = {**self.headers, "Content-Type": "application/x-www-form-urlencoded"}
            body = urlencode(data, doseq=True)
        else:
            headers = {**self.headers, "Content-Type": "application/json", "X-CSRFToken": csrf}
            body = json.dumps(data)
        with self.client.post(
            path,
            data=body,
            name=name,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self._check(response, expect, verify, location)
            return response

    @staticmethod
    def _check(response, expect, verify, location=None):
        """`verify(response)` returns what is wrong with the page, or None."""
        problem = None
        allowed = expect if isinstance(expect, tuple) else (expect,)
        if response.status_code not in allowed:
            problem = f"status {response.status_code}, expected {expect}"
        elif location is not None and not re.fullmatch(
            location, response.headers.get("Location", "")
        ):
            problem = f"redirected to {response.headers.get('Location')!r}, expected {location}"
        elif verify is not None:
            problem = verify(response)
        if problem:
            response.failure(problem)
            raise UnexpectedResponse(problem)
        response.success()

    def csrf_from(self, response) -> str:
        match = CSRF_INPUT.search(response.text)
        if not match:
            raise UnexpectedResponse("no CSRF token on the page")
        return match.group(1)

    def log_in(self, username):
        page = self.get("/accounts/login/", "/accounts/login/")
        self.post(
            "/accounts/login/",
            "/accounts/login/ [POST]",
            data={
                "csrfmiddlewaretoken": self.csrf_from(page),
                "username": username,
                "password": DATA["password"],
            },
            location=r"/",
        )


class Tablet(Browser):
    """Front desk logs in, hands the tablet over, the client answers and signs, staff take it
    back; then the next client of the day (the same client again, as a visit update)."""

    weight = 30
    # scripts/loadtest --tablets N: exactly N tablets, the other users staff (else 30 : 10).
    fixed_count = int(os.environ.get("LOADTEST_TABLETS") or 0)
    wait_time = between(0.5, 1.5)  # the client reading and tapping between requests
    numbers = itertools.count()

    def on_start(self):
        super().on_start()
        n = next(self.numbers)
        # Tablet n takes client n, with its clinic's front desk (loadtest.data).
        self.client_id = tablet_client(DATA, n)
        _, self.staff = user_place(DATA, n, "front_desk")
        self.answers = DATA["variants"][n % len(DATA["variants"])]

    def work(self):
        if not self.logged_in:
            self.log_in(self.staff)
        detail = f"/clients/{self.client_id}/"
        page = self.get(detail, "/clients/[id]/")
        self.post(
            f"/intake/start/{self.client_id}/",
            "/intake/start/[id]/ (hand over)",
            data={"csrfmiddlewaretoken": self.csrf_from(page)},
            location=r"/kiosk/",
        )
        self.logged_in = False  # hand-over logs the staff member out of this browser
        home = self.get("/kiosk/", "/kiosk/", expect=(200, 302))
        if home.status_code == 302:
            # An intake begun in an earlier run or step: the tablet resumes where the client
            # stopped (visits.kiosk_views.home); the answers below are sent again all the same.
            home = self.get(home.headers["Location"], "/kiosk/section/[slug]/ (resume)")
        if 'action="/kiosk/changed/"' in home.text:
            # A returning client: "something has changed", so every section is asked again.
            self.wait()
            self.post(
                "/kiosk/changed/",
                "/kiosk/changed/",
                data={"csrfmiddlewaretoken": self.csrf_from(home), "changed": "yes"},
                location=r"/kiosk/section/about_you/",
            )
        sections = self.answers
        for index, section in enumerate(sections):
            url = f"/kiosk/section/{section['slug']}/"
            page = self.get(url, "/kiosk/section/[slug]/")
            token = self.csrf_from(page)
            fields = section["fields"]
            # Autosave as the client goes: first half of the answers, then all of them.
            items = list(fields.items())
            halves = {len(items) // 2, len(items)} - {0}
            for upto in sorted(halves):
                self.wait()
                self.post(
                    "/kiosk/save/",
                    "/kiosk/save/ (autosave)",
                    data={"answers": dict(items[:upto])},
                    csrf=token,
                    expect=200,
                    verify=autosave_accepted,
                )
            form = {**fields, "csrfmiddlewaretoken": token, "go": "next"}
            if index < len(sections) - 1:
                self.post(
                    url,
                    "/kiosk/section/[slug]/ [POST]",
                    data=form,
                    location=f"/kiosk/section/{sections[index + 1]['slug']}/",
                )
                continue
            consent = CONSENT_INPUT.search(page.text)
            submission = TOKEN_INPUT.search(page.text)
            if not (consent and submission):
                raise UnexpectedResponse("the consent page lacks its hidden fields")
            form.update(
                consent=consent.group(1),
                submission_token=submission.group(1),
                signature=DATA["signature"],
                go="submit",
            )
            self.wait()
            self.post(
                url,
                "/kiosk/section/consent/ [POST] (sign and send)",
                data=form,
                location=r"/kiosk/done/",
            )
        done = self.get("/kiosk/done/", "/kiosk/done/", verify=contains("hand the tablet back"))
        self.wait()
        self.post(
            "/kiosk/staff/",
            "/kiosk/staff/ [POST] (take the tablet back)",
            data={
                "csrfmiddlewaretoken": self.csrf_from(done),
                "username": self.staff,
                "password": DATA["password"],
            },
            location=re.escape(f"/clients/{self.client_id}/"),
        )
        self.logged_in = True
        # The submit must have produced a screening: the front desk sees a booking status.
        self.get(detail, "/clients/[id]/", verify=screened)


class Staff(Browser):
    """A therapist between sessions: clients, a search, today's intakes and screenings."""

    weight = 10
    fixed_count = int(os.environ.get("LOADTEST_STAFF") or 0)
    wait_time = between(1, 3)
    numbers = itertools.count()

    def on_start(self):
        super().on_start()
        self.clinic, self.staff = user_place(DATA, next(self.numbers), "therapists")

    def work(self):
        if not self.logged_in:
            self.log_in(self.staff)
            self.logged_in = True
        page = self.get("/clients/", "/clients/")
        self.wait()
        self.post(
            "/clients/",
            "/clients/ [POST] (search)",
            data={
                "csrfmiddlewaretoken": self.csrf_from(page),
                "q": secrets.choice(DATA["searches"]),
            },
            location=r"/clients/",
        )
        self.get("/clients/", "/clients/ (results)")
        self.wait()
        client = secrets.choice(self.clinic["clients"])
        self.get(f"/clients/{client['id']}/", "/clients/[id]/", verify=contains(client["name"]))
        self.wait()
        self.get("/intake/today/", "/intake/today/")
        self.wait()
        review = self.get("/review/", "/review/")
        links = SCREENING_LINK.findall(review.text)
        if links:
            self.wait()
            self.get(secrets.choice(links), "/review/screenings/[id]/")
