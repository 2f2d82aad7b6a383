"""The Dask engine: a build's shards run on a dask.distributed cluster.

Imported only when a build asks for it (``--engine dask``), and :mod:`distributed` only
when it runs: Dask is an optional extra. Every worker runs
:func:`corpuskit.engine.process_shard` exactly as a local worker does, so the output is
byte-identical to the local engine's.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from .config import CONFIG_NAME
from .engine import SHARD_FOLDER, ShardResult, ShardTask, process_shard
from .errors import ArgumentError, CorpuskitError, OutputError, UsageError
from .outputidentity import code_files, code_identity, output_identity
from .package import RAW_PREFIX
from .shardcache import CACHE_FORMAT
from .shardpieces import pieces_index_path, pieces_path
from .sourcerefs import SourceRefs
from .zipfiles.zipsegments import segment_index_path, segment_path

#: A Dask scheduler address: a protocol, a host and a port (``tcp://10.0.0.5:8786``).
_SCHEDULER = re.compile(r"(?:tcp|tls|ucx|ws|wss)://(?:\[[0-9A-Fa-f:.]+\]|[^\s/:\[\]]+):\d{1,5}")

def check_scheduler(scheduler: str | None, *, cli: bool = False) -> str:
    """The ``scheduler`` address, refused at once (before any work) when missing or not
    of the form ``tcp://HOST:PORT`` (Dask itself would fail late, or wait for a minute).
    The messages name it as a Python caller gives it (``scheduler=``), or, with ``cli``,
    as the option ``--scheduler`` (QA: api 5: build(engine="dask") was told of options)."""
    option = "--scheduler" if cli else "scheduler"
    if scheduler is not None and not scheduler.strip():  # given, but empty (QA s96: said
        # to be missing)
        raise ArgumentError(f"{option} is empty{f' ({scheduler!r})' if scheduler else ''}; "
                            "give the address of a Dask cluster's scheduler, such as "
                            "tcp://10.0.0.5:8786 (dask scheduler prints it)")
    if not scheduler:
        raise ArgumentError("--engine dask needs --scheduler tcp://HOST:PORT" if cli else
                            "engine='dask' needs scheduler='tcp://HOST:PORT', the address of "
                            "a Dask cluster's scheduler; give it too, or leave engine out to "
                            "build here")
    if not _SCHEDULER.fullmatch(scheduler):
        raise ArgumentError(f"{option} {scheduler!r} is not a Dask scheduler address; give "
                            "it as tcp://HOST:PORT (tls://, ws:// and ucx:// work too)")
    host, _, digits = scheduler.split("://", 1)[1].rpartition(":")
    port = int(digits)
    if not 0 < port < 65536:
        raise ArgumentError(f"{option} {scheduler!r}: port {port} is not a TCP port (1 to "
                            "65535); give the port the scheduler listens on (8786 by "
                            "default)")
    if not host.startswith("["):  # (an IPv6 address in brackets is no name to encode)
        try:
            host.encode("idna")  # as socket.create_connection encodes it, later
        except UnicodeError as exc:  # (QA: a traceback from the connection, after discovery)
            reason = str(exc).rpartition("(UnicodeError: ")[2].rstrip(")") or str(exc)
            raise ArgumentError(f"{option} {scheduler!r}: {host!r} is no host name a "
                                f"resolver can look up ({reason}: each dot-separated label "
                                "must be 1 to 63 characters, and non-ASCII ones valid IDNA); "
                                "give the scheduler's host name or IP address") from None
    return scheduler


def run_on_dask(tasks: Sequence[ShardTask], scheduler: str | None) -> Iterator[ShardResult]:
    """Run shards on a Dask cluster; workers must see the seeds and output folders.

    Each worker runs :func:`process_shard` exactly as a local worker does, writing into the
    package's temporary folder, so the folders must be on a filesystem every worker mounts
    at the same path, and every worker must run the same corpuskit code and versions (checked).
    """
    scheduler = check_scheduler(scheduler)
    client, wait_for_futures = _connected_client(scheduler)
    with _quiet_dask_logs(), client:
        futures: list[Any] = []
        active: Path | None = None
        try:
            placed = [_absolute(task) for task in tasks]
            here = _checked_workers(client, scheduler, placed)
            active = placed[0].package / ACTIVE if placed else None
            if active is not None:
                active.touch()
            # Each task checks its worker again: one that joins after the check above runs
            # shards too (QA: a worker of another version ran 5 to 13 shards unchecked).
            futures = client.map(partial(_checked_shard, here), placed, pure=False)
            for future in futures:
                yield result_while_workers(client, future, scheduler)
        except CorpuskitError:
            raise
        except Exception as exc:  # the cluster failed: scheduler lost, task cancelled, ...
            said = " ".join(str(exc).split())  # Dask's messages run over several lines
            raise OutputError(f"the Dask cluster at {scheduler} failed during the build "
                              f"({type(exc).__name__}: {said}); nothing was written") from None
        finally:
            _let_go(client, futures, active, wait_for_futures)


def _connected_client(scheduler: str) -> tuple[Any, Callable[..., Any]]:
    """A client of the Dask scheduler at ``scheduler`` (not the default client), and
    distributed's ``wait``; a :class:`UsageError` without Dask, an :class:`OutputError`
    where no Dask scheduler answers there."""
    client_type, wait_for_futures = _distributed()
    security, connection_args = _client_security(scheduler)
    _refuse_no_scheduler(scheduler, connection_args)
    try:
        client = client_type(scheduler, timeout="30s", set_as_default=False,
                             security=security)
    except Exception as exc:  # gone since it answered
        raise OutputError(f"cannot reach the Dask scheduler at {scheduler} "
                          f"({type(exc).__name__}: {exc})") from None
    return client, wait_for_futures


def _distributed() -> tuple[Any, Callable[..., Any]]:
    """distributed's ``Client`` and ``wait``, or a :class:`UsageError` where Dask (the
    'dask' extra) is not installed."""
    try:
        from distributed import Client
        from distributed import wait as wait_for_futures
    except ImportError:
        raise UsageError("--engine dask needs corpuskit's 'dask' extra: pip install '.[dask]' in "
                         "corpuskit's source folder (the name corpuskit on PyPI is another "
                         "project's)"
                         ) from None
    return Client, wait_for_futures


def _refuse_no_scheduler(scheduler: str, connection_args: dict[str, Any]) -> None:
    """Refuse (an :class:`OutputError`) an address where nothing answers, or no Dask
    scheduler (see :func:`_first_look` and :func:`_identify`); returns None."""
    import asyncio  # only for Dask (22 ms to import)

    refused, seen = _first_look(scheduler)
    if refused is not None:
        raise OutputError(f"cannot reach the Dask scheduler at {scheduler}: {refused}; is a "
                          "Dask scheduler running there?")
    if seen is not None:
        raise OutputError(_not_a_scheduler(scheduler, seen))
    try:
        identity = asyncio.run(_identify(scheduler, connection_args))
    except Exception as exc:  # anything a peer that is no Dask scheduler may cause
        if scheduler.startswith("ucx://") and "UCX" in str(exc):
            # distributed names UCX without the package that makes it work (QA: "Can't
            # instantiate abstract class UCXConnector ...")
            raise OutputError(f"cannot reach the Dask scheduler at {scheduler}: this "
                              "machine's Dask has no UCX support (the distributed-ucxx "
                              "package); install it, or give the scheduler's tcp:// "
                              "address") from None
        raise OutputError(_unanswered(exc, scheduler)) from None
    if not isinstance(identity, dict) or identity.get("type") != "Scheduler":
        kind = identity.get("type") if isinstance(identity, dict) else None
        raise OutputError(_not_a_scheduler(
            scheduler, f"it is a Dask {kind.lower()}" if isinstance(kind, str) and kind
            else "it answered Dask's question of who it is otherwise than a scheduler does"))


def _checked_workers(client: Any, scheduler: str, placed: Sequence[ShardTask]
                     ) -> dict[str, str]:
    """This machine's state (:func:`worker_state`), once every worker of ``client`` is
    found to run the same code and versions and to see the folders of the shards
    ``placed``: else an :class:`OutputError` that says what differs (or that there are no
    workers)."""
    folders = _shared_folders(placed)
    probes = _probes(placed)
    # This machine's first: a file of its corpuskit it cannot read is its problem,
    # not the cluster's (QA: dask 5, new).
    here = worker_state()
    with _cache_probe(placed, folders, probes):
        # A worker's error is its answer (on_error): one that cannot import corpuskit
        # failed the whole check, unnamed, as "the cluster failed" (QA: dask 2).
        found = client.run(_worker_identity, folders, probes, on_error="return")
    if not found:
        raise OutputError(f"the Dask scheduler at {scheduler} has no workers; start "
                          "some (dask worker " f"{scheduler}), then build again")
    wrong = _identity_problems(found, here, folders)
    if wrong:
        raise OutputError(wrong)
    return here


def _let_go(client: Any, futures: list[Any], active: Path | None,
            wait_for_futures: Callable[..., Any]) -> None:
    """Let the cluster go, done with it or given up: the shards' ``futures`` not started
    cancelled, those running waited for, the package's ``active`` mark removed; returns
    None."""
    # Done with the cluster, or given up: no task may go on writing into the
    # build's folder after the build removed it. Tasks that end from now on remove
    # the folder themselves (_rerunnable_shard). Tasks not started are cancelled;
    # those a worker holds (a task running cannot be stopped) are waited for, when
    # the cluster can say which (not when the scheduler was lost). distributed.wait
    # asks the default client, which this one is not: without as_current it failed
    # at once ("No clients found"), and the build removed its folder while shards
    # were still being written into it (QA).
    pending = [future for future in futures if not future.done()]
    ending = active.with_name(ENDING) if active is not None and pending else None
    if ending is not None:  # waited for below: tasks that end leave the folder
        with suppress(OSError):
            ending.touch()
    if active is not None:
        with suppress(FileNotFoundError):
            active.unlink()
    try:
        if pending:
            with suppress(Exception), client.as_current():
                busy = {key for keys in client.processing().values() for key in keys}
                client.cancel([f for f in pending if f.key not in busy])
                wait_for_futures([f for f in pending if f.key in busy], timeout=120)
    finally:
        if ending is not None:  # from now on a task that ends removes the folder
            with suppress(FileNotFoundError):
                ending.unlink()


@contextmanager
def _quiet_dask_logs() -> Iterator[None]:
    """Dask's own logs of a cluster failure (tracebacks on stderr) silenced while a build
    uses the cluster: the build reports the failure itself, in one line."""
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
               if name == "distributed" or name.startswith("distributed.")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


#: Seconds a peer has to connect and to answer who it is (see :func:`_identify`).
IDENTIFY_SECONDS = 30


#: Dask's configuration of the TLS a client uses (what ``distributed.Security()`` reads).
_TLS_KEYS = ("distributed.comm.tls.ca-file", "distributed.comm.tls.client.cert",
             "distributed.comm.tls.client.key")
#: What to do about a tls:// (or wss://) scheduler this machine cannot reach for its TLS.
_TLS_ADVICE = ("set Dask's TLS configuration for clients, as a distributed.Client reads it: "
               "distributed.comm.tls.ca-file (the cluster's CA certificate), "
               "distributed.comm.tls.client.cert and distributed.comm.tls.client.key (this "
               "machine's certificate and its key), in Dask's configuration files or as "
               "DASK_DISTRIBUTED__COMM__TLS__CA_FILE, DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT "
               "and DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY (README: Large corpora, A Dask "
               "cluster)")
#: What to do about an address where nothing answers in time.
_NOT_DASK_ADVICE = "is a Dask scheduler running there?"


def _not_a_scheduler(scheduler: str, seen: str) -> str:
    """The error for a peer at ``scheduler`` that answers, but is no Dask scheduler: what
    it did (``seen``), and what to do. It was said "cannot reach the Dask scheduler at
    ...", as of a peer that does not answer at all (QA s102)."""
    return (f"something answers at {scheduler}, but not as a Dask scheduler: {seen}; "
            "give the scheduler's address ('dask scheduler' prints it, as 'Scheduler at: "
            "tcp://HOST:PORT'; port 8786 by default)")


def _client_security(scheduler: str) -> tuple[Any, dict[str, Any]]:
    """The security a ``distributed.Client`` made for ``scheduler`` uses, and its connection
    arguments: the configured security loader's (``distributed.client.security-loader``),
    else Dask's configuration's (``distributed.comm.tls.*``), as the Client makes it when
    given none. The address is asked who it is with them, and the Client is given them: the
    probe connected without, and refused every tls:// scheduler a Client reaches (QA: "TLS
    expects a `ssl_context` argument ... Instead got None")."""
    import dask
    from distributed.security import Security
    from distributed.utils import import_term

    try:
        loader = dask.config.get("distributed.client.security-loader", None)
        security = import_term(loader)({"address": scheduler}) if loader else None
        security = Security() if security is None else security  # type: ignore[no-untyped-call]
        arguments = security.get_connection_args("client")  # reads the files
    except Exception as exc:  # a file missing or holding no certificate, a loader failing
        raise OutputError(f"cannot reach the Dask scheduler at {scheduler}: Dask's TLS "
                          f"configuration cannot be used ({_tls_settings()}: "
                          f"{type(exc).__name__}: {exc}); {_TLS_ADVICE}") from None
    if scheduler.startswith("tls://") and arguments.get("ssl_context") is None:
        raise OutputError(f"cannot reach the Dask scheduler at {scheduler}: tls:// needs "
                          "Dask's TLS configuration for clients, a CA file and a client "
                          f"certificate at least ({_tls_settings()}); {_TLS_ADVICE}")
    if scheduler.startswith("tcp://") and arguments.get("require_encryption"):
        raise OutputError(f"cannot reach the Dask scheduler at {scheduler}: Dask's "
                          "configuration requires encryption "
                          "(distributed.comm.require-encryption), which tcp:// has not; give "
                          "the scheduler's tls:// address")
    return security, arguments


def _tls_settings() -> str:
    """Dask's configuration of a client's TLS, as it is set (``key value``, a certificate
    or key given in the configuration itself said so), or that none is."""
    import dask

    said = []
    for key in _TLS_KEYS:
        value = dask.config.get(key, None)
        if value:
            said.append(f"{key} " + ("(given inline)" if "\n" in str(value) else str(value)))
    return "set: " + ", ".join(said) if said else f"none of {', '.join(_TLS_KEYS)} is set"


def _unanswered(exc: BaseException, scheduler: str) -> str:
    """The error for the peer at ``scheduler`` that said not who it is (``exc``: what
    asking it raised), with what to do: a peer that is no Dask scheduler is said to answer
    no Dask message, however its bytes fail to decode (QA: msgpack's "Maximum allowed
    dimension exceeded"), or to close the connection (QA: a raw "ConnectionResetError:
    ..."); one that answers nothing in time is said not to be reached."""
    from distributed.comm.core import CommClosedError

    if scheduler.startswith(("tls://", "wss://")) and _tls_failure(exc):
        cause = exc.__cause__ or exc.__context__
        said = " ".join(str(cause or exc).split()) or type(cause or exc).__name__
        plain = "tcp" if scheduler.startswith("tls://") else "ws"
        return (f"cannot reach the Dask scheduler at {scheduler}: the TLS handshake failed "
                f"({said}): the scheduler's certificate must be "
                "signed by the CA in distributed.comm.tls.ca-file, and this machine's "
                "(distributed.comm.tls.client.cert) by a CA the scheduler trusts (one "
                f"without TLS fails it too: give its {plain}:// address); " + _TLS_ADVICE)
    if isinstance(exc, CommClosedError) or isinstance(exc.__cause__, CommClosedError):
        # its peer closed it (a refusal is said at once), or Dask gave up connecting again
        # to a peer that closed each connection at once (see _identify)
        return _not_a_scheduler(scheduler, _closed(scheduler))
    if isinstance(exc, OSError):  # no answer in time, a connection lost on the way
        return (f"cannot reach the Dask scheduler at {scheduler}: "
                f"{str(exc) or f'no answer within {IDENTIFY_SECONDS} s'}; {_NOT_DASK_ADVICE}")
    # What is left is the reply's bytes read as a Dask message: a greeting read as a
    # message's length (MemoryError), bytes msgpack cannot decode (ValueError, ...); or,
    # for tls://, a peer's reply that is no TLS (tornado: "IOStream is not idle")
    hint = (" (a scheduler without TLS answers a tls:// connection so: give its tcp:// "
            "address)" if scheduler.startswith("tls://") else "")
    return _not_a_scheduler(scheduler, f"it answered with bytes that are no Dask message{hint}")


def _closed(scheduler: str) -> str:
    """Why a peer that closed the connection (or reset it) before it said who it is is
    not taken for a scheduler: a scheduler that uses TLS does so to a tcp:// address."""
    hint = (" (if it is one that uses TLS, give its tls:// address)"
            if scheduler.startswith("tcp://") else "")
    return f"it closed the connection without answering as a Dask scheduler{hint}"


def _tls_failure(exc: BaseException) -> bool:
    """Whether ``exc`` comes of a failed TLS handshake: distributed raises a
    FatalCommClosedError for one (caused by an ssl.SSLError, or with none said), or a
    CommClosedError caused by one, and gives up retrying on an OSError caused by it."""
    import ssl

    from distributed.comm.core import FatalCommClosedError

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (ssl.SSLError, FatalCommClosedError)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _first_look(address: str) -> tuple[str | None, str | None]:
    """A first look at the peer at ``address``, before Dask's connect: why a TCP
    connection to its host and port fails at once (nothing listens there, no route, an
    unknown host), or else, for a tcp:// one, what it does instead of greeting as a Dask
    scheduler (see :func:`_greeting`); (None, None) where neither is seen. Dask's own
    connect retries a refused connection until its time is up, and the build said "no
    answer within 30 s" for a port that refused it at once (QA). A connection that is slow
    to come is left to Dask."""
    if address.startswith("ucx://"):
        return None, None  # not TCP
    host, _, port = address.split("://", 1)[1].rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=1.0) as peer:
            return None, _greeting(peer, address) if address.startswith("tcp://") else None
    except TimeoutError:
        return None, None
    except ConnectionResetError:  # a peer that resets at once, as it accepts (QA)
        return None, _closed(address)
    except OSError as exc:
        return f"{exc.strerror or exc}".lower(), None


#: Seconds a tcp:// peer that accepted a connection is given to say something first, as a
#: Dask scheduler does (it writes its handshake as it accepts: in 1 to 2 ms on this
#: project's test machine), before it is sent :data:`_HTTP_PROBE`: an HTTP server (a Dask
#: dashboard, given for its scheduler) waits for its client to speak first, and says
#: nothing to the bytes Dask's handshake writes, which hold no line end (QA s102: "no
#: answer within 30 s" for python -m http.server).
_SPEAKS_FIRST_SECONDS = 2.0
#: Seconds in all (at most :data:`IDENTIFY_SECONDS`) a tcp:// peer that accepted a
#: connection is given to say its first bytes, before it is told to be no Dask scheduler.
#: A scheduler says them within milliseconds (a network's round trip, and its event loop's
#: turn); one whose event loop is blocked for longer is well past what Dask warns of ("Event
#: loop was unresponsive", from 3 s). A scheduler that answers after the probe is sent
#: still answers first (it writes its handshake before it reads), and is taken for one.
GREETING_SECONDS = 10.0
#: What a peer silent for :data:`_SPEAKS_FIRST_SECONDS` is sent: an HTTP server answers
#: it ("HTTP/1.0 200 OK"), a TLS server or another that waits for its client mostly closes.
_HTTP_PROBE = b"HEAD / HTTP/1.0\r\n\r\n"
#: The largest length of its first message a Dask peer's first 8 bytes are taken to give
#: (little-endian, as distributed's TCP comm writes it; a scheduler's handshake: 58).
_GREETING_BYTES = 1 << 20


def _greeting(peer: socket.socket, address: str) -> str | None:
    """What a peer that accepted a plain TCP connection does instead of greeting as a
    Dask scheduler, within :data:`GREETING_SECONDS`: it closes (or resets) the connection,
    says bytes that are no Dask message's start (an SSH server's greeting, or an HTTP
    server's answer to :data:`_HTTP_PROBE`), or nothing at all; None where its first bytes
    may be Dask's (left to Dask), or the connection fails otherwise. A peer that closed at
    once was connected to again by Dask until its time was up, and named so only if its
    last try saw the close before that time ran out (a flaky test); a peer that said
    nothing was waited for 30 s, and said not to be reached (QA s102)."""
    start = time.monotonic()
    total = min(GREETING_SECONDS, IDENTIFY_SECONDS)
    said, asked = b"", False
    while len(said) < 8:
        left = total - (time.monotonic() - start)
        wait = left if asked else min(left, _SPEAKS_FIRST_SECONDS)
        try:
            if wait <= 0:
                raise TimeoutError
            peer.settimeout(wait)
            more = peer.recv(64)
        except TimeoutError:
            if said or left <= 0 or asked:
                break
            with suppress(OSError):  # (a peer that closes is seen by the next recv)
                peer.sendall(_HTTP_PROBE)
            asked = True
            continue
        except ConnectionResetError:
            more = b""
        except OSError:
            return None
        if not more:  # closed
            break
        said += more
    return _seen(said, address, time.monotonic() - start >= total)


def _seen(said: bytes, address: str, silent: bool) -> str | None:
    """What a tcp:// peer that ``said`` its first bytes (b"": none) is taken for (see
    :func:`_greeting`); ``silent``: it said them not within the time, or nothing at all."""
    if said and len(said) >= 8 and int.from_bytes(said[:8], "little") <= _GREETING_BYTES:
        return None  # maybe a Dask message's length: Dask reads it
    if not said:
        if silent:
            return (f"it accepted the connection, but said nothing in "
                    f"{min(GREETING_SECONDS, IDENTIFY_SECONDS):g} s, where a Dask scheduler "
                    "speaks at once (nor did it answer an HTTP request)")
        return _closed(address)
    line = said.split(b"\n", 1)[0].rstrip(b"\r")
    shown = (f"{line[:60].decode('ascii')!r}" if line and line.isascii()
             and all(32 <= byte < 127 for byte in line) else repr(said[:16]))
    if said.startswith(b"HTTP/"):
        return (f"it answered as an HTTP server ({shown}; a Dask scheduler's dashboard is "
                "one, on port 8787 by default)")
    if said.startswith(b"SSH-"):
        return f"it answered as an SSH server ({shown})"
    if said[0] == 0x15 and said[1:2] == b"\x03":  # a TLS alert
        return ("it answered as a TLS server does to what is no TLS (if it is a Dask "
                "scheduler that uses TLS, give its tls:// address)")
    return f"it answered with bytes that are no Dask message ({shown})"


async def _identify(address: str, connection_args: dict[str, Any]) -> Any:
    """What the peer at ``address`` says it is (a scheduler: ``{"type": "Scheduler",
    ...}``), within :data:`IDENTIFY_SECONDS` in all: a Client made for a peer that is no
    Dask scheduler (an SSH or HTTP server) failed with a MemoryError from reading its
    greeting as a message length, or waited for a reply for ever. ``connection_args``: the
    Client's (see :func:`_client_security`)."""
    import asyncio

    from distributed.comm.core import connect

    # Dask retries a connection its peer closes at once until its timeout is up (as it
    # does one that fails), then says why (an OSError caused by a CommClosedError): given a
    # second less than the time in all, it says so before that time is up, not after.
    comm = await asyncio.wait_for(
        connect(address,  # type: ignore[no-untyped-call]
                timeout=max(IDENTIFY_SECONDS - 1, IDENTIFY_SECONDS / 2), **connection_args),
        IDENTIFY_SECONDS)
    try:
        await asyncio.wait_for(comm.write({"op": "identity"}), IDENTIFY_SECONDS)
        return await asyncio.wait_for(comm.read(), IDENTIFY_SECONDS)
    finally:
        comm.abort()


def _absolute(task: ShardTask) -> ShardTask:
    """``task`` with absolute paths, and the sizes of its files: a worker runs in its own
    working folder (the cluster's). Only the workers get them: what the build says names
    the paths as given (it printed /abs/out/x-1.0.0 for --out out, where the local engine
    prints out/x-1.0.0). The worker holds what it reads to the sizes (see
    :attr:`ShardTask.sizes`)."""
    seeds = task.seeds.resolve()
    return replace(task, seeds=seeds, package=task.package.resolve(),
                   cache=task.cache.resolve() if task.cache is not None else None,
                   model_cache=(task.model_cache.resolve() if task.model_cache is not None
                                else None),
                   earlier=task.earlier.resolve() if task.earlier is not None else None,
                   sizes=_listed_sizes(seeds, task))


def _listed_sizes(seeds: Path, task: ShardTask) -> tuple[int, ...]:
    """The size of each of ``task``'s files here (-1: it cannot be measured; its worker
    says why it cannot read it). The discovery lists the files by their type alone (no
    ``stat`` per file), so this is one ``stat`` a file, only on the Dask engine: 3.3-3.9 µs
    a file on this project's test machine's local disk (100,000 files: 0.3-0.4 s, before
    the shards are sent); four threads took as long."""
    stat_of, folder = os.stat, str(seeds)
    sizes = []
    for path in (task.refs.paths() if isinstance(task.refs, SourceRefs)
                 else (ref.path for ref in task.refs)):
        try:
            sizes.append(stat_of(f"{folder}/{path}").st_size)
        except (OSError, ValueError):
            sizes.append(-1)
    return tuple(sizes)


#: A file in the build's temporary folder while the cluster may write into it: the build
#: removes it when it is done with the cluster, or has given up (before removing the
#: folder), so that a task still running then knows (see :func:`_rerunnable_shard`).
ACTIVE = ".corpuskit-dask-active"
#: A file in the build's temporary folder while a build that gave up waits for the tasks
#: still running: one that ends then leaves the folder to the build, whose other tasks may
#: still be writing into it (QA: the first to end removed it under them).
ENDING = ".corpuskit-dask-ending"


def _rerunnable_shard(task: ShardTask) -> ShardResult:
    """:func:`process_shard` on a Dask worker. Dask runs a task again when the worker that
    ran it is lost; what that attempt placed is removed first (raw files are created, never
    overwritten, and a shard file may be a hard link into the cache), so the rerun writes
    what a first run does.

    A build that gives up (interrupted, or its cluster failed) removes its temporary
    folder, and cannot stop a task already running on a worker, nor always wait for it (a
    lost scheduler cannot say what runs): such a task went on writing, making the folder
    again. So a task starts only while the build's :data:`ACTIVE` file is there, and one
    that finds it gone at its end removes the folder (what it wrote, and what else is
    left): no build that gave up leaves its temporary folder behind."""
    if not (task.package / ACTIVE).exists():
        raise OutputError(f"{task.package} is no longer being built; nothing written")
    shard_file = task.package / SHARD_FOLDER / f"{task.index:08d}.jsonl"
    pieces = pieces_path(shard_file)
    for path in (shard_file, pieces, pieces_index_path(shard_file), segment_path(pieces),
                 segment_index_path(pieces),
                 *(task.package / (RAW_PREFIX + ref.path) for ref in task.refs)):
        with suppress(FileNotFoundError, NotADirectoryError):
            path.unlink()
    try:
        return process_shard(task)
    finally:
        if not (task.package / ACTIVE).exists() and not (task.package / ENDING).exists():
            shutil.rmtree(task.package, ignore_errors=True)  # given up, and not waiting


def _shared_folders(tasks: Sequence[ShardTask]) -> dict[str, str]:
    """The folders every worker must see at the same path, by what they are."""
    if not tasks:
        return {}
    folders = {"the seeds folder": str(tasks[0].seeds),
               "the release's temporary folder in --out": str(tasks[0].package)}
    if tasks[0].cache is not None and tasks[0].cache.is_dir():  # (none: a build without)
        folders[CACHE_FOLDER] = str(tasks[0].cache)
    return folders


def _probes(tasks: Sequence[ShardTask]) -> dict[str, tuple[str, str]]:
    """Files every worker must see as this machine does, by what they are: the seeds
    folder's corpus.toml, with its sha256 (QA: an empty folder, or another copy of the
    seeds, mounted at that path passed for the seeds)."""
    if not tasks:
        return {}
    config = tasks[0].seeds / CONFIG_NAME
    try:
        return {f"the seeds folder's {CONFIG_NAME}": (str(config), _sha256_of(str(config)))}
    except OSError:
        return {}


#: The cache folder, as :func:`_shared_folders` and :func:`_probes` name it.
CACHE_FOLDER = "the cache folder (--cache)"


@contextmanager
def _cache_probe(tasks: Sequence[ShardTask], folders: dict[str, str],
                 probes: dict[str, tuple[str, str]]) -> Iterator[None]:
    """While active, a file in the cache folder of ``tasks`` that each worker must see
    byte for byte (in ``probes``, in place of the folder in ``folders``): a worker with a
    folder of its own at that path passed, and kept the shards in it, which this machine
    never saw, cleared nor pruned (QA s96 scale 2). The file names this build's temporary
    folder, unique to the build. A cache this machine cannot write to keeps the folder's
    check alone (a worker writes nothing there either)."""
    if not tasks or tasks[0].cache is None or CACHE_FOLDER not in folders:
        yield
        return
    data = f"corpuskit build {tasks[0].package}\n".encode("utf-8", "surrogateescape")
    probe = tasks[0].cache / f".corpuskit-probe-{tasks[0].package.name}"
    try:
        probe.write_bytes(data)
    except OSError:
        yield
        return
    import hashlib

    del folders[CACHE_FOLDER]
    probes[CACHE_FOLDER] = (str(probe), hashlib.sha256(data).hexdigest())
    try:
        yield
    finally:
        with suppress(OSError):
            probe.unlink()


def _sha256_of(path: str) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


#: What :func:`worker_state` says of how Python reads file names, besides
#: :func:`output_identity`: the filesystem encoding (not in the output identity, which keys
#: the shard cache; a build where it is not UTF-8 refuses names that are not ASCII).
FILE_NAMES = "file names"
#: What to do about a worker that reads file names in another encoding than the build's.
_NAMES_ADVICE = ("run corpuskit and every worker with PYTHONUTF8=1 or a UTF-8 locale such "
                 "as LC_ALL=C.UTF-8")
#: What :func:`worker_state` says of corpuskit's own code (:func:`code_identity`) and of the
#: shard cache's format: the version string alone does not tell corpuskits apart.
CODE = "corpuskit code"
#: The digest of each of those files (JSON), to name the files that differ (QA: dask 4).
CODE_FILES = "corpuskit code files"
SHARD_CACHE = "shard cache format"
#: What to do about a worker that runs other corpuskit code, or has none it can import.
# A worker whose files were updated after its process started runs the code it started
# with: it was told to install what it had, not to restart (QA: dask 3, new).
_CODE_ADVICE = ("Every worker must run the very corpuskit this machine runs, not only one of "
                "its version: install the same corpuskit on each worker (from the same "
                "source folder or wheel: pip install '.[dask]', with its dependencies) and "
                "restart the workers, whose processes keep the code they started with. ")


def worker_state() -> dict[str, str]:
    """:func:`output_identity`, and the encoding in which this Python reads file names
    (``sys.getfilesystemencoding()``: UTF-8 in a UTF-8 locale or with PYTHONUTF8=1, else
    the locale's, such as ASCII with LC_ALL=C). A worker that reads them otherwise than
    the build's machine cannot open the files the build listed: it failed with an empty
    "UnicodeEncodeError: ", or said a file was "removed or renamed while it was read" (QA)."""
    import codecs
    import sys

    return {**output_identity(), CODE: code_identity(),
            CODE_FILES: json.dumps(code_files(), sort_keys=True), SHARD_CACHE: CACHE_FORMAT,
            FILE_NAMES: codecs.lookup(sys.getfilesystemencoding()).name}


def _differences(theirs: dict[str, str], ours: dict[str, str], whose: str) -> list[str]:
    """What ``theirs`` (a worker's :func:`worker_state`) has otherwise than ``ours``, each
    with ours (``"{whose} {value}"``). A worker that does not say how it reads names (an
    older corpuskit) differs in its version, which is said; one that does not say what
    else this one says is an older corpuskit too."""
    said = [f"{name} {theirs.get(name, 'not said (an older corpuskit)')} ({whose} {value}"
            + (_differing_files(theirs, ours) if name == CODE else "") + ")"
            for name, value in ours.items()
            if name not in (FILE_NAMES, CODE_FILES) and theirs.get(name) != value]
    if _reads_names_otherwise(theirs, ours):
        said.append(f"Python reading file names as {theirs[FILE_NAMES]} ({whose} "
                    f"{ours[FILE_NAMES]})")
    return said


def _differing_files(theirs: dict[str, str], ours: dict[str, str]) -> str:
    """Which of corpuskit's files (up to 3) differ between ``theirs`` and ``ours``, or are
    on one side only (``"; differing: a.py, b.py, c.py and 2 more"``); "" where either
    does not say (an older corpuskit). Two digests alone did not say why (QA: dask 4)."""
    try:
        mine, other = json.loads(ours[CODE_FILES]), json.loads(theirs[CODE_FILES])
    except (KeyError, TypeError, ValueError):
        return ""
    if not isinstance(mine, dict) or not isinstance(other, dict):
        return ""
    names = sorted(name for name in mine.keys() | other.keys()
                   if mine.get(name) != other.get(name))
    if not names:
        return ""
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return "; differing: " + ", ".join(names[:3]) + more


def _reads_names_otherwise(theirs: dict[str, str], ours: dict[str, str]) -> bool:
    """Whether a worker (``theirs``) says it reads file names otherwise than ``ours``."""
    return FILE_NAMES in theirs and FILE_NAMES in ours and theirs[FILE_NAMES] != ours[FILE_NAMES]


def _worker_identity(folders: dict[str, str], probes: dict[str, tuple[str, str]]
                     ) -> tuple[dict[str, str], list[str]]:
    """On a worker: :func:`worker_state`, and which of ``folders`` it cannot see, and
    of ``probes`` (files and their sha256) it sees otherwise or not at all."""
    unseen = [what for what, path in folders.items() if not os.path.isdir(path)]
    for what, (path, digest) in probes.items():
        try:
            same = _sha256_of(path) == digest
        except OSError:
            same = False
        if not same:  # named with its path, as a folder is (QA: what to mount, unsaid)
            shown = os.path.dirname(path) if what == CACHE_FOLDER else path
            unseen.append(f"{what} ({shown}) as this machine does")
    return worker_state(), unseen


def _identity_problems(found: dict[str, tuple[dict[str, str], list[str]] | BaseException],
                       here: dict[str, str], folders: dict[str, str]) -> str | None:
    """What keeps the workers (``found``, by address: what :func:`_worker_identity` says,
    or the error it failed with) from making this machine's output (``here``: its
    :func:`worker_state`): no corpuskit it can import, another version of what decides the
    output, file names read in another encoding, or a folder they cannot see; None if
    nothing."""
    said = []
    names = code = False
    for worker, answer in sorted(found.items()):
        if isinstance(answer, BaseException):
            said.append(f"{worker} {_failed_check(answer)}")
            code = True
            continue
        identity, unseen = answer
        differing = _differences(identity, here, "here")
        if differing:
            said.append(f"{worker} runs {', '.join(differing)}")
            names = names or _reads_names_otherwise(identity, here)
            code = code or _runs_other_code(identity, here)
        if unseen:
            said.append(f"{worker} cannot see " + ", ".join(
                f"{what} ({folders[what]})" if what in folders else what for what in unseen))
    return _refusal(said, names=names, code=code) if said else None


def _failed_check(error: BaseException) -> str:
    """What a worker whose check failed with ``error`` is told of: corpuskit, or a library
    it imports, that it cannot import (the check's function is corpuskit's, unpickled
    there), else the error. distributed passes the ModuleNotFoundError on as an Exception
    whose message is its repr: said as Python says it, ``ModuleNotFoundError: No ...``."""
    said = " ".join(str(error).split())
    passed_on = re.fullmatch(r"(\w+Error)\((['\"])(.*)\2\)", said)
    if passed_on is not None:
        kind, said = passed_on[1], passed_on[3]
    else:
        kind = type(error).__name__
    if kind in ("ModuleNotFoundError", "ImportError"):
        return f"cannot import corpuskit ({kind}: {said})"
    return f"failed the check ({kind}: {said})"


def _runs_other_code(theirs: dict[str, str], ours: dict[str, str]) -> bool:
    """Whether a worker (``theirs``) runs other corpuskit code, or a shard cache of another
    format, than ``ours`` says."""
    return any(name in ours and theirs.get(name) != ours[name] for name in (CODE, SHARD_CACHE))


def _refusal(said: Sequence[str], *, names: bool, code: bool) -> str:
    """The error that refuses the workers of which ``said`` says what is wrong, with what
    to do: the same at the start of the build and for a worker that joins during it
    (QA: dask 4). ``names``: one reads file names otherwise; ``code``: one runs other
    corpuskit code, or none."""
    # (The README's Dask part is a bullet of Large corpora: QA, "The Dask engine" was no
    # heading.)
    return ("the Dask workers cannot make this build's output: " + "; ".join(said) + ". "
            + (f"Every worker must read file names as this machine does: {_NAMES_ADVICE}. "
               if names else "")
            + (_CODE_ADVICE if code else "")
            + "Every worker must run the versions this machine runs (the output depends on "
            "them) and mount the seeds, --out and --cache folders at the same paths "
            "(README: Large corpora, A Dask cluster); nothing was written")


def _checked_shard(expected: dict[str, str], task: ShardTask) -> ShardResult:
    """:func:`_rerunnable_shard` on a worker that has ``expected``'s versions and code and
    reads file names as it says (:func:`worker_state`: a worker that joined the cluster
    after the build checked its workers); else the error the check at the start gives,
    naming this worker."""
    here = worker_state()
    differing = _differences(here, expected, "here")
    if differing:
        raise OutputError(_refusal(
            [f"{_this_worker()}, which joined during the build, runs {', '.join(differing)}"],
            names=_reads_names_otherwise(here, expected),
            code=_runs_other_code(here, expected)))
    return _rerunnable_shard(task)


def _this_worker() -> str:
    """The address of the Dask worker this runs on, as the check at the start names it;
    or its host, where it runs on none."""
    try:
        from distributed import get_worker

        address: str = get_worker().address
    except (ImportError, ValueError):
        return f"the Dask worker on {socket.gethostname()}"
    return address


#: How long a build waits for the result of a shard (seconds) before it asks whether the
#: cluster still has workers, and how long it waits once it has none.
RESULT_POLL_SECONDS = 5.0
NO_WORKERS_SECONDS = 120.0


def result_while_workers(client: Any, future: Any, scheduler: str,
                         poll: float = RESULT_POLL_SECONDS,
                         grace: float = NO_WORKERS_SECONDS) -> Any:
    """The result of ``future``, waited for while the cluster has workers to run it: once
    it has had none for ``grace`` seconds, an :class:`OutputError` (QA: a build whose
    cluster lost every worker waited forever, saying nothing). A worker that joins within
    the grace lets the build go on."""
    without = 0.0
    while True:
        try:
            return future.result(timeout=poll)
        except TimeoutError:
            pass
        workers = client.scheduler_info().get("workers") or {}
        without = 0.0 if workers else without + poll
        if without >= grace:
            raise OutputError(
                f"the Dask cluster at {scheduler} has had no workers for {grace:g} s, with "
                "shards of the build still to run; nothing was written: start workers "
                f"(dask worker {scheduler}), then build again")
