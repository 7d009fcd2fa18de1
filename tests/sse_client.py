"""A small blocking Server-Sent Events client for the tests (the page's own client is the browser's)."""

import http.client
import json


class Stream:
    def __init__(self, port: int, query: str, last: str | None = None, timeout: float = 10.0) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        headers = {"Last-Event-ID": last} if last else {}
        self.conn.request("GET", "/events?" + query, headers=headers)
        self.response = self.conn.getresponse()
        self.status = self.response.status

    def events(self, n: int) -> list[tuple[str, dict]]:
        """The next n events as (id, caption dict)."""
        out: list[tuple[str, dict]] = []
        eid, data = "", ""
        while len(out) < n:
            line = self.response.readline()
            if not line:
                raise EOFError(f"stream ended after {len(out)} events")
            line = line.decode().rstrip("\n")
            if line.startswith("id: "):
                eid = line[4:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and data:
                out.append((eid, json.loads(data)))
                eid, data = "", ""
        return out

    def ended(self) -> bool:
        try:
            while True:
                line = self.response.readline()
                if not line:
                    return True
        except TimeoutError:
            return False

    def close(self) -> None:
        self.conn.close()
