"""Certificates for the TLS tests, made at test time (Python `cryptography`).

Usage: make_certs.py DIR — writes, each with its -key.pem (EC P-256):
  ca.pem          the test CA, to trust with --ca-file
  good.pem        localhost and 127.0.0.1, issued by the CA, valid now
  expired.pem     issued by the CA, expired on 2024-01-02 03:04 UTC
  future.pem      issued by the CA, valid only from 2099-05-06 07:08 UTC
  wrong-name.pem  issued by the CA for other.example only
  self-signed.pem localhost and 127.0.0.1, signed by itself
  untrusted.pem   localhost and 127.0.0.1, issued by a CA nobody trusts
  client.pem      a client certificate issued by the CA
"""

import datetime
import ipaddress
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = datetime.datetime.now(datetime.timezone.utc)
DAY = datetime.timedelta(days=1)
LOCAL_NAMES = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]


def name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def write(directory, stem, certificate, key):
    with open(f"{directory}/{stem}.pem", "wb") as file:
        file.write(certificate.public_bytes(serialization.Encoding.PEM))
    with open(f"{directory}/{stem}-key.pem", "wb") as file:
        file.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )


def certificate(subject, key, issuer, issuer_key, *, names=None, start=None, end=None, ca=False, client=False):
    builder = (
        x509.CertificateBuilder()
        .subject_name(name(subject))
        .issuer_name(name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start or NOW - DAY)
        .not_valid_after(end or NOW + DAY)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    if client:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def main(directory):
    def new_key():
        return ec.generate_private_key(ec.SECP256R1())

    ca_key, rogue_key = new_key(), new_key()
    ca = certificate("wsmon test CA", ca_key, "wsmon test CA", ca_key, ca=True)
    write(directory, "ca", ca, ca_key)
    rogue = "wsmon rogue CA"

    def leaf(stem, issuer=("wsmon test CA", ca_key), **options):
        key = new_key()
        write(directory, stem, certificate("localhost", key, issuer[0], issuer[1], **options), key)

    leaf("good", names=LOCAL_NAMES)
    leaf(
        "expired",
        names=LOCAL_NAMES,
        start=datetime.datetime(2023, 1, 1, tzinfo=datetime.timezone.utc),
        end=datetime.datetime(2024, 1, 2, 3, 4, tzinfo=datetime.timezone.utc),
    )
    leaf(
        "future",
        names=LOCAL_NAMES,
        start=datetime.datetime(2099, 5, 6, 7, 8, tzinfo=datetime.timezone.utc),
        end=datetime.datetime(2100, 1, 1, tzinfo=datetime.timezone.utc),
    )
    leaf("wrong-name", names=[x509.DNSName("other.example")])
    self_key = new_key()
    write(directory, "self-signed", certificate("localhost", self_key, "localhost", self_key, names=LOCAL_NAMES), self_key)
    leaf("untrusted", issuer=(rogue, rogue_key), names=LOCAL_NAMES)
    leaf("client", client=True)


main(sys.argv[1])
