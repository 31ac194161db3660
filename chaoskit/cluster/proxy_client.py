"""How a rocketmq-python-client reaches this cluster's Proxy (plaintext, or TLS on 5.0.x)."""
from __future__ import annotations

import os
from dataclasses import dataclass

from chaoskit.cluster.compose import data_dir


@dataclass(frozen=True)
class ProxyAccess:
    endpoint: str       # ip:port of the Proxy's gRPC server
    tls: bool
    ca_file: str | None  # CA that signed the 5.0.x Proxy's certificate

    def configuration(self, request_timeout: float):
        """A ClientConfiguration for this proxy (imported lazily: heavy gRPC import)."""
        from rocketmq import ClientConfiguration, Credentials

        if self.ca_file:
            # grpc reads its root certificates from this variable at channel creation.
            os.environ["GRPC_DEFAULT_SSL_ROOTS_FILE_PATH"] = self.ca_file
        return ClientConfiguration(self.endpoint, Credentials(), request_timeout=request_timeout)


def access(endpoint: str, version: str) -> ProxyAccess:
    """5.0.x proxies serve gRPC only over TLS, with a CA the launcher made in the proxy's data dir."""
    if version.startswith("5.0."):
        return ProxyAccess(endpoint, True, str(data_dir("proxy") / "tls" / "ca.crt"))
    return ProxyAccess(endpoint, False, None)
