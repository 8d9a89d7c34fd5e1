"""The deliverability checklist: SPF, DKIM and DMARC of the From address's domain, by DNS.

Gmail and Yahoo reject or spam-folder bulk mail from domains without them (2024
sender rules). Each check is a TXT lookup with dnspython: SPF at the domain
(``v=spf1``), DMARC at ``_dmarc.<domain>`` (``v=DMARC1``), DKIM at
``<selector>._domainkey.<domain>`` for the selectors the common providers use (a
key published under another selector cannot be found without the merchant naming
it). Offline, or when the resolver does not answer, a check says "could not check"
rather than guessing. Free-mail domains (gmail.com...) are the provider's own.
"""

from __future__ import annotations

from dataclasses import dataclass

import dns.exception
import dns.resolver

DKIM_SELECTORS = ("google", "selector1", "selector2", "default", "dkim", "k1", "s1", "s2",
                  "fm1", "fm2", "sig1", "mail", "smtp", "pm", "mxvault")
FREE_MAIL = {"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com",
             "icloud.com", "me.com", "yahoo.com", "fastmail.com"}


@dataclass(frozen=True)
class DnsCheck:
    name: str          # SPF | DKIM | DMARC
    status: str        # ok | missing | weak | could_not_check
    detail: str


def _txt(resolver: dns.resolver.Resolver, name: str) -> list[str] | None:
    """TXT strings at ``name``; [] when there are none; None when DNS did not answer."""
    try:
        answer = resolver.resolve(name, "TXT")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except (dns.exception.Timeout, dns.resolver.NoNameservers, dns.resolver.NoResolverConfiguration,
            OSError):
        return None
    return [b"".join(r.strings).decode("utf-8", "replace") for r in answer]


def _spf(resolver: dns.resolver.Resolver, domain: str) -> DnsCheck:
    records = _txt(resolver, domain)
    if records is None:
        return DnsCheck("SPF", "could_not_check", "DNS did not answer (offline?)")
    spf = [r for r in records if r.lower().startswith("v=spf1")]
    if not spf:
        return DnsCheck("SPF", "missing", f"no SPF record at {domain}: add one that names "
                                          "your sending provider")
    if len(spf) > 1:
        return DnsCheck("SPF", "weak", f"{len(spf)} SPF records at {domain}; receivers treat "
                                       "that as an error, merge them into one")
    if spf[0].rstrip().endswith("+all"):
        return DnsCheck("SPF", "weak", "the SPF record ends in +all, which lets anyone send")
    return DnsCheck("SPF", "ok", spf[0][:200])


def _dmarc(resolver: dns.resolver.Resolver, domain: str) -> DnsCheck:
    records = _txt(resolver, f"_dmarc.{domain}")
    if records is None:
        return DnsCheck("DMARC", "could_not_check", "DNS did not answer (offline?)")
    dmarc = [r for r in records if r.lower().replace(" ", "").startswith("v=dmarc1")]
    if not dmarc:
        return DnsCheck("DMARC", "missing", f"no DMARC record at _dmarc.{domain}: Gmail and "
                                            "Yahoo require one for bulk senders (p=none is "
                                            "enough to start)")
    return DnsCheck("DMARC", "ok", dmarc[0][:200])


def _dkim(resolver: dns.resolver.Resolver, domain: str,
          selectors: tuple[str, ...]) -> DnsCheck:
    unanswered = 0
    for selector in selectors:
        records = _txt(resolver, f"{selector}._domainkey.{domain}")
        if records is None:
            unanswered += 1
            continue
        if any("p=" in r for r in records):
            return DnsCheck("DKIM", "ok", f"a key is published under the selector '{selector}'")
    if unanswered == len(selectors):
        return DnsCheck("DKIM", "could_not_check", "DNS did not answer (offline?)")
    return DnsCheck("DKIM", "missing", "no DKIM key under the usual selectors; turn on DKIM "
                                       "signing at your provider (it may use another selector)")


def check_domain(address_or_domain: str, *, resolver: dns.resolver.Resolver | None = None,
                 selectors: tuple[str, ...] = DKIM_SELECTORS,
                 timeout: float = 3.0) -> list[DnsCheck]:
    """SPF, DKIM and DMARC of the From domain (see the module doc)."""
    domain = address_or_domain.rpartition("@")[2].strip().lower().rstrip(".")
    if domain in FREE_MAIL:
        note = f"{domain} is the provider's own domain: it publishes these itself"
        return [DnsCheck(n, "ok", note) for n in ("SPF", "DKIM", "DMARC")]
    if resolver is None:
        try:
            resolver = dns.resolver.Resolver()
        except (dns.resolver.NoResolverConfiguration, OSError):
            return [DnsCheck(n, "could_not_check", "no DNS resolver is configured")
                    for n in ("SPF", "DKIM", "DMARC")]
    resolver.lifetime = timeout
    spf = _spf(resolver, domain)
    if spf.status == "could_not_check":   # offline: do not wait for every other lookup too
        return [spf, *(DnsCheck(n, "could_not_check", spf.detail) for n in ("DKIM", "DMARC"))]
    return [spf, _dkim(resolver, domain, selectors), _dmarc(resolver, domain)]
