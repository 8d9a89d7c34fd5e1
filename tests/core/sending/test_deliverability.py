"""The deliverability checklist against a real DNS server on loopback (UDP, dnspython wire)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.resolver
import dns.rrset
import pytest

from ppdesk.core.sending.deliverability import check_domain

ZONE = {
    "good.example.": ["v=spf1 include:_spf.google.com ~all"],
    "_dmarc.good.example.": ["v=DMARC1; p=none; rua=mailto:d@good.example"],
    "google._domainkey.good.example.": ["v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCB"],
    "open.example.": ["v=spf1 +all"],
    "twice.example.": ["v=spf1 a ~all", "v=spf1 mx ~all"],
    "bare.example.": ["google-site-verification=abc"],
}


@pytest.fixture
def dns_server() -> Iterator[int]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(data)
            reply = dns.message.make_response(query)
            name = query.question[0].name.to_text()
            records = ZONE.get(name)
            if records is None:
                reply.set_rcode(dns.rcode.NXDOMAIN)
            else:
                reply.answer.append(dns.rrset.from_text_list(
                    name, 300, dns.rdataclass.IN, dns.rdatatype.TXT,
                    [f'"{r}"' for r in records]))
            sock.sendto(reply.to_wire(), peer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(sock.getsockname()[1])
    stop.set()
    thread.join(timeout=2)
    sock.close()


def _resolver(port: int) -> dns.resolver.Resolver:
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = port
    return resolver


def _statuses(domain: str, port: int) -> dict[str, str]:
    return {c.name: c.status for c in check_domain(f"shop@{domain}", resolver=_resolver(port),
                                                   timeout=2.0)}


def test_each_record_is_found_or_named_missing(dns_server: int) -> None:
    assert _statuses("good.example", dns_server) == {"SPF": "ok", "DKIM": "ok", "DMARC": "ok"}
    assert _statuses("bare.example", dns_server) == {"SPF": "missing", "DKIM": "missing",
                                                     "DMARC": "missing"}
    assert _statuses("open.example", dns_server)["SPF"] == "weak"
    assert _statuses("twice.example", dns_server)["SPF"] == "weak"


def test_no_answer_is_could_not_check_not_a_guess() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:   # bound, never answers
        silent.bind(("127.0.0.1", 0))
        port = silent.getsockname()[1]
        checks = check_domain("shop@good.example", resolver=_resolver(port),
                              selectors=("google",), timeout=0.3)
    assert {c.status for c in checks} == {"could_not_check"}
