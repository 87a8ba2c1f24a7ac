"""`sai-dpo serve`, `status` and `stop`: run the selection service, look at a running one, stop it."""

from __future__ import annotations

import json
import os
import signal
import threading
import time

from data._cli_args import int_between


def register(sub) -> None:
    """Add the ``serve``, ``status`` and ``stop`` subcommands."""
    p = sub.add_parser("serve", help="run the selection service (a named, detached Ray actor)")
    p.add_argument("--pool", required=True, help="pool file (jsonl/json/parquet/csv) or builtin:NAME")
    p.add_argument("--preset", default=None, help="column preset of the pool file (e.g. math, gsm8k)")
    p.add_argument("--address", default=None,
                   help="Ray cluster to join ('auto' or ip:port); default: start an embedded one")
    p.add_argument("--connect-timeout", type=float, default=10.0,
                   help="seconds to wait for the cluster at --address (default 10)")
    p.add_argument("--checkpoint-dir", default=None, help="snapshots + pool copy (default ./sai-dpo-checkpoints/...)")
    p.add_argument("--snapshot-every", type=int, default=100,
                   help="snapshot after this many reports (bounds restart time; the journal loses nothing)")
    p.add_argument("--snapshot-min-interval", type=float, default=5.0, metavar="SECONDS",
                   help="with the journal, at most one periodic snapshot per this many seconds (default 5; "
                        "no effect with --no-journal)")
    p.add_argument("--no-journal", dest="journal", action="store_false",
                   help="no journal: a crash loses the reports since the last snapshot")
    p.add_argument("--no-journal-fsync", dest="journal_fsync", action="store_false",
                   help="flush the journal to the OS without fsync per report (survives the actor "
                        "dying, not the machine)")
    p.add_argument("--policy", default=None, choices=_policies(), help="selection policy (default: sai_dpo)")
    p.add_argument("--seed", type=int_between(0, 2**32 - 1), default=None, help="selection seed (default 0)")
    p.add_argument("--group-size", type=int_between(1, 4096), default=None, metavar="G",
                   help="rollouts per problem per round, the trainer's num_generations (default 8)")
    p.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", dest="settings",
                   help="any other SelectionConfig field, e.g. --set min_spread=0 --set tau=inf (repeatable)")
    p.add_argument("--http", type=int, default=None, metavar="PORT", help="also serve HTTP on this port")
    p.add_argument("--host", default="127.0.0.1",
                   help="HTTP bind address; anything but loopback needs $SAI_DPO_TOKEN or --token-file")
    p.add_argument("--token-file", default=None, help="file holding the HTTP bearer token")
    p.add_argument("--detach", action="store_true",
                   help="leave the service running on the cluster and exit at once (needs --address); "
                        "without it, Ctrl-C snapshots and stops the service")
    _add_target(p)
    p.set_defaults(func=_serve)

    s = sub.add_parser("status", help="table and counters of a running selection service")
    s.add_argument("--address", default="auto", help="Ray cluster address (default 'auto')")
    s.add_argument("--json", action="store_true", help="print JSON instead of text")
    s.add_argument("--connect-timeout", type=float, default=10.0,
                   help="seconds to wait for the cluster at --address (default 10)")
    _add_target(s)
    s.set_defaults(func=_status)

    t = sub.add_parser("stop", help="stop a running selection service (snapshot first; its folder resumes it)")
    t.add_argument("--address", default="auto", help="Ray cluster address (default 'auto')")
    t.add_argument("--connect-timeout", type=float, default=10.0,
                   help="seconds to wait for the cluster at --address (default 10)")
    t.add_argument("--no-snapshot", dest="snapshot", action="store_false",
                   help="stop without a final snapshot (the journal still holds every acknowledged report)")
    _add_target(t)
    t.set_defaults(func=_stop)


def _policies() -> list[str]:
    from sai_dpo.policies import POLICIES

    return sorted(POLICIES)


def _add_target(p) -> None:
    p.add_argument("--name", default="sai-dpo", help="service actor name")
    p.add_argument("--namespace", default="sai_dpo", help="Ray namespace of the service")


def _config(args):
    import sai_dpo

    kwargs = {k: v for k, v in (("policy", args.policy), ("seed", args.seed), ("group_size", args.group_size))
              if v is not None}
    kwargs.update(_settings(getattr(args, "settings", []), set(kwargs)))
    return sai_dpo.SelectionConfig(**kwargs)


_FLAG_FIELDS = {"policy": "--policy", "seed": "--seed", "group_size": "--group-size"}


def _settings(items: list[str], flagged: set[str]) -> dict:
    """``--set FIELD=VALUE`` items as SelectionConfig keyword arguments: true/false, none, numbers (inf, nan
    too) and other text as given; SelectionConfig itself checks each value."""
    import dataclasses

    from sai_dpo import SelectionConfig
    from sai_dpo.config import setting_value
    from sai_dpo.errors import InvalidInputError

    fields = {f.name for f in dataclasses.fields(SelectionConfig)}
    out: dict = {}
    for item in items:
        key, eq, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not eq or not key:
            raise InvalidInputError(f"--set takes FIELD=VALUE (e.g. --set min_spread=0). Got {item!r}.")
        if key not in fields:
            raise InvalidInputError(f"--set {key}: SelectionConfig has no field {key!r}; fields: {', '.join(sorted(fields))}.")
        if key in flagged:
            raise InvalidInputError(f"--set {key} is also given as {_FLAG_FIELDS[key]}; give it once.")
        if key in out:
            raise InvalidInputError(f"--set {key} is given twice; give it once.")
        out[key] = setting_value(value)
    return out


def _serve(args) -> int:
    import ray

    from sai_dpo.service import launch

    _check_serve_args(args)
    token = None
    if args.http is not None:
        from sai_dpo.http import resolve_token

        token = resolve_token(args.host, args.token_file)  # fail before starting anything
    config = _config(args)
    pool = args.pool
    if args.preset is not None:  # the file in a known layout: mapped (and validated) here, before Ray starts
        from data import load_pool

        pool = load_pool(args.pool, preset=args.preset)
    elif not str(args.pool).startswith("builtin:"):  # a missing, empty or unreadable file: before Ray starts
        from data import load_pool

        pool = load_pool(args.pool)
    else:  # a name that is no built-in pool: refused before Ray starts (the pool is built once, by launch)
        from data.loaders import BUILTIN_SIZES
        from sai_dpo.errors import InvalidInputError

        if str(args.pool)[len("builtin:"):] not in BUILTIN_SIZES:
            raise InvalidInputError(f"--pool {args.pool}: no such built-in pool; use builtin:NAME with NAME in "
                                    f"{sorted(BUILTIN_SIZES)}.")
    if args.http is not None:
        _check_port_free(args.host, args.http)
    if args.checkpoint_dir is not None:
        from data._cli_args import output_dir
        from sai_dpo._service_durability import check_folder_free

        output_dir(args.checkpoint_dir, "--checkpoint-dir")
        if args.address is None:  # on a cluster the folder may be the running service's own: launch attaches
            check_folder_free(args.checkpoint_dir)  # to that one, and refuses a folder another service holds
    if not args.detach:
        # Ctrl-C (SIGINT) stops a foreground serve, also one started as a background job (`serve ... &`,
        # nohup), which a shell starts with SIGINT ignored: `kill -INT` then did nothing at all.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if args.address is None:  # an embedded Ray of its own, never a cluster that happens to run here
        ray.init(address="local", namespace=args.namespace, include_dashboard=False)
    client = launch(pool, config, name=args.name, namespace=args.namespace, checkpoint_dir=args.checkpoint_dir,
                    address=args.address, connect_timeout=args.connect_timeout, snapshot_every=args.snapshot_every,
                    snapshot_min_interval=args.snapshot_min_interval, journal=args.journal,
                    journal_fsync=args.journal_fsync)
    silence_watcher = None
    try:  # from here on, Ctrl-C (even before the wait below) ends as the wait's Ctrl-C does
        _announce(args, client, token)
        if args.detach:
            return 0
        if not client.owns_service:
            print("note: this service was already running; this process attached to it and leaves it running "
                  "when it stops (stop it with `sai-dpo stop` or the process that started it)")
        if client.owns_service and args.address is None:
            silence_watcher = _end_when_stopped_elsewhere(client, args)
        if args.http is not None:
            from sai_dpo.http import serve_http

            serve_http(client, host=args.host, port=args.http, token=token)
        else:
            _wait_for_interrupt()
    except KeyboardInterrupt:
        pass
    finally:
        if silence_watcher is not None:
            silence_watcher()  # this process stops the service itself below
        if args.detach:
            client.close()
        elif client.owns_service:
            _stop_own(client)
        else:
            alive = client.alive()
            client.close()
            print("detached; the service keeps running" if alive else
                  "detached; the service no longer answers (it was stopped elsewhere)")
        if not args.detach:
            ray.shutdown()
    return 0


def _end_when_stopped_elsewhere(client, args, every: float = 2.0):
    """A serve that started its service on its own embedded Ray ends when ``sai-dpo stop`` stops that
    service: nothing can run it again on that Ray, and the serve would keep its HTTP port answering 503.

    A watcher thread asks every ``every`` s; a service gone for good (its name no longer resolves: a crash
    is restarted under the same name) interrupts the main thread, which ends as on Ctrl-C. Returns a
    function to call before stopping the service here: the watcher then stays quiet.
    """
    import ray

    lock, done = threading.Lock(), threading.Event()

    def watch() -> None:
        while not done.wait(every):
            if client.alive():
                continue
            try:
                ray.get_actor(args.name, namespace=args.namespace)
                continue  # restarting after a crash
            except ValueError:
                pass
            except Exception:  # noqa: BLE001 - Ray itself is gone (shutting down): nothing left to watch
                return
            with lock:
                if done.is_set():
                    return
                done.set()
                print(f"the service {args.name!r} was stopped elsewhere (`sai-dpo stop`); this serve ends",
                      flush=True)
                os.kill(os.getpid(), signal.SIGINT)
            return

    def silence() -> None:
        with lock:
            done.set()

    threading.Thread(target=watch, name="sai-dpo-serve-watch", daemon=True).start()
    return silence


def _stop_own(client) -> None:
    """Ctrl-C on the serve that started the service: stop it, unless someone stopped it already."""
    from sai_dpo.errors import ServiceUnavailableError

    try:
        path = client.stop_service()
    except ServiceUnavailableError as exc:
        client.close(timeout=5)
        print(f"not stopped here: {exc} Its checkpoint folder {client.info['checkpoint_dir']} keeps its state.")
        return
    except TimeoutError as exc:  # queued reports not acknowledged in time, or the actor still answering
        client.close(timeout=5)
        print(f"could not stop the service cleanly ({exc}); check it with `sai-dpo status`")
        return
    print(f"stopped; state saved to {path} (serve again with the same --checkpoint-dir to resume)")


def _check_port_free(host: str, port: int) -> None:
    """--http PORT already taken: say so before anything starts (uvicorn only failed after the banner)."""
    import socket

    from sai_dpo.errors import InvalidInputError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: only a listener blocks
            sock.bind(infos[0][4])
    except OSError as exc:
        raise InvalidInputError(f"--http {port}: cannot listen on {host}:{port} ({exc.strerror or exc}); "
                                "pick another port or stop what uses it.") from None


def _announce(args, client, token) -> None:
    """What a started (or attached) service is, and how to reach it."""
    import ray

    address = ray.get_runtime_context().gcs_address
    info = client.info
    print(f"selection service {args.name!r} is up: {info['pool_size']} problems, policy {info['policy']}, "
          f"checkpoints in {info['checkpoint_dir']}")
    print(f"connect from Python:  from sai_dpo.service import connect; "
          f"client = connect({args.name!r}, {args.namespace!r}, address={address!r})")
    print(f"look at it:           sai-dpo status --name {args.name} --namespace {args.namespace} --address {address}")
    print(f"stop it:              sai-dpo stop --name {args.name} --namespace {args.namespace} --address {address}")
    if args.http is not None:
        print(f"HTTP:                 http://{args.host}:{args.http}/stats"
              + (" (Authorization: Bearer <token>)" if token else ""))
    if not args.journal and args.snapshot_min_interval != 5.0:
        print("note: --snapshot-min-interval has no effect with --no-journal (snapshots are then the only record, "
              "so they follow --snapshot-every alone)")
    changed = client.stats().get("config_changed_on_restore")
    if changed:
        keep = _keep_flags(changed)
        print(f"note: resumed from {info['checkpoint_dir']} with other settings than it was saved with: {changed}"
              + (f" (to keep the saved values, start it with: {keep})" if keep else ""))


def _keep_flags(changed: str) -> str:
    """The serve flags that give back the saved values of a resume note ("min_spread: 0 -> 64.0; tau: 2 -> 1.0"
    -> "--set min_spread=0 --set tau=2"); a field the snapshot predates has no saved value to keep."""
    flags = []
    for item in changed.split("; "):
        key, _, change = item.partition(": ")
        saved = change.partition(" -> ")[0].strip().strip("'")
        if saved.startswith("(not in"):
            continue
        flag = _FLAG_FIELDS.get(key)
        flags.append(f"{flag} {saved}" if flag else f"--set {key}={saved}")
    return " ".join(flags)


def _check_serve_args(args) -> None:
    """Refuse values and combinations that cannot work, before anything starts."""
    from sai_dpo.errors import InvalidInputError

    if args.snapshot_every < 0:
        raise InvalidInputError(f"--snapshot-every must be >= 0 (0: snapshot only on stop). Got {args.snapshot_every}.")
    if not 0 <= args.snapshot_min_interval <= 86_400:  # (NaN fails both)
        raise InvalidInputError(f"--snapshot-min-interval must be seconds in [0, 86400]. Got {args.snapshot_min_interval}.")
    if not args.connect_timeout > 0:  # (NaN too)
        raise InvalidInputError(f"--connect-timeout must be a positive number of seconds. Got {args.connect_timeout}.")
    if args.http is not None and not 1 <= args.http <= 65535:
        raise InvalidInputError(f"--http must be a port in 1..65535. Got {args.http}.")
    if not args.name.strip() or not args.namespace.strip():
        raise InvalidInputError("--name and --namespace must not be empty (defaults: sai-dpo, sai_dpo).")
    if args.detach and args.address is None:
        raise InvalidInputError(
            "--detach leaves the service on a running cluster, so it needs --address (e.g. `ray start --head`, then "
            "--address auto); without it the embedded cluster, and the service, would end with this command.")
    if args.detach and args.http is not None:
        raise InvalidInputError(
            "--detach exits at once, so no HTTP server would run. Start the service with --detach, then run "
            "`sai-dpo serve --address ADDRESS --pool SAME_POOL --http PORT` as its front end."
        )


def _wait_for_interrupt() -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass


def _connect(args):
    """The client of the service that --name, --namespace and --address name (one-line errors)."""
    from sai_dpo.service import connect

    if not args.connect_timeout > 0:
        from sai_dpo.errors import InvalidInputError

        raise InvalidInputError(f"--connect-timeout must be a positive number of seconds. Got {args.connect_timeout}.")
    return connect(args.name, args.namespace, address=args.address, connect_timeout=args.connect_timeout)


def _local_ray_clusters() -> set[str]:
    """GCS addresses of the Ray instances running on this machine, read from their processes' command
    lines (``--gcs-address=HOST:PORT``: raylets, workers and agents all carry it); empty if unreadable."""
    try:
        import psutil  # a dependency of Ray
    except ImportError:
        return set()
    found = set()
    for proc in psutil.process_iter(["cmdline"]):
        try:
            args = proc.info["cmdline"] or []
        except psutil.Error:
            continue
        for arg in args:
            for part in str(arg).split(" "):
                if part.startswith("--gcs-address=") and part.partition("=")[2] not in ("", "None"):
                    found.add(part.partition("=")[2])
    return found


def _one_cluster_for_auto(args) -> None:
    """``stop`` with ``--address auto`` while several Ray clusters run on this machine: refuse. Ray would
    pick the one started last, which may be someone else's, and stop a service there."""
    if args.address != "auto" or os.environ.get("RAY_ADDRESS"):
        return
    found = sorted(_local_ray_clusters())
    if len(found) > 1:
        from sai_dpo.errors import InvalidInputError

        raise InvalidInputError(f"Several Ray clusters run on this machine ({', '.join(found)}); --address auto "
                                "would stop the service on the one started last. Name it: sai-dpo stop --address "
                                "ADDRESS (`serve` printed it).")


def _stop(args) -> int:
    _one_cluster_for_auto(args)
    client = _connect(args)
    folder = client.info["checkpoint_dir"]
    path = None
    if args.snapshot:
        try:
            path = client.snapshot()
        except OSError as exc:  # a degraded service or a full disk: the journal holds every acknowledged report
            print(f"note: no final snapshot ({str(exc).splitlines()[0][:200]}); the journal in {folder} holds "
                  "every acknowledged report, so nothing is lost")
    client.stop_service(snapshot=False)
    saved = f"state saved to {path}" if path else f"checkpoint folder {folder}"
    import ray

    where = ray.get_runtime_context().gcs_address
    print(f"stopped selection service {args.name!r} in namespace {args.namespace!r} at {where}; {saved} "
          f"(`sai-dpo serve --checkpoint-dir {folder} --pool SAME_POOL` resumes it)")
    return 0


def _status(args) -> int:
    import ray

    from sai_dpo.http import _jsonable

    client = _connect(args)
    stats, table = _jsonable(client.stats()), _jsonable(client.table())
    client.close()
    where = ray.get_runtime_context().gcs_address  # what --address (e.g. 'auto') resolved to
    if args.json:
        print(json.dumps({"address": where, "stats": stats, "table": table}, indent=2))
        return 0
    print(f"selection service {args.name!r} in namespace {args.namespace!r} at {where}\n")
    if stats.get("degraded"):
        print(f"WARNING: the service is degraded: {stats['degraded']}\n")
    now = time.time()
    for k, v in stats.items():
        print(f"{k:>24}: {_status_value(k, v, now)}")
    print()
    print(_format_table(table))
    return 0


def _when(epoch: float, now: float) -> str:
    """An epoch time as ``2026-12-06 11:55:03 UTC (4 min ago)``."""
    ago = max(0.0, now - epoch)
    span = f"{ago:.0f} s" if ago < 120 else f"{ago / 60:.0f} min" if ago < 7200 else f"{ago / 3600:.1f} h"
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch)) + f" ({span} ago)"


def _status_value(key: str, value, now: float) -> str:
    """One ``status`` value for people: times as dates with their age, mappings as ``k=v`` pairs."""
    is_time = key.endswith("_at") or key == "time"
    if is_time and isinstance(value, (int, float)) and not isinstance(value, bool) and value > 1e9:
        return _when(float(value), now)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_status_value(str(k), v, now)}" for k, v in value.items()) or "-"
    return "-" if value is None else str(value)


def _format_table(table) -> str:
    """Align a list of row dicts (or a dict of columns) as text; anything else as JSON."""
    if isinstance(table, dict) and table and all(isinstance(v, list) for v in table.values()):
        cols = list(table)
        table = [dict(zip(cols, vals, strict=True)) for vals in zip(*table.values(), strict=True)]
    if not (isinstance(table, list) and table and all(isinstance(r, dict) for r in table)):
        return json.dumps(table, indent=2)
    cols = list(table[0])
    cells = [[_cell(r.get(c)) for c in cols] for r in table]
    widths = [max(len(c), *(len(row[j]) for row in cells)) for j, c in enumerate(cols)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(cols, widths, strict=True))]
    lines += ["  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


def _cell(v) -> str:
    return f"{v:.3f}" if isinstance(v, float) else str(v)
