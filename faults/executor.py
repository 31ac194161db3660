"""Carries a fault plan out on a timeline, and heals every fault it started.

For each step: a role lookup shortly before the step's time, the target
resolved against what it saw, the `faults` row committed, then the fault
applied; after the step's duration, the heal and the row's `end_ts`.
`run()` heals whatever is still active on every way out (normal end,
exception, the stop event set by a signal handler), and `heal_all()` may also
be called from another thread. While a plan runs, a watcher thread looks the
roles up every `watch_s` seconds (a lookup takes milliseconds); every change
it or a step's lookup sees goes to the ledger's `events` table
('master_change', 'controller_leader_change'), so failovers are timed to
within `watch_s`. Steps that could not be aimed go there as 'fault_skipped'.

Use in a thread next to the workloads:

    stop = threading.Event()
    with stop_on_signals(stop), ThreadPoolExecutor(1) as pool:
        outcome = pool.submit(Executor(client, writer, plan, t0).run, stop)
        ...                      # main phase; stop.set() to end early
        outcome.result()         # Outcome; every fault healed (or listed in .unhealed)
"""
from __future__ import annotations

import contextlib
import json
import math
import random
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import docker.errors

import docker
from chaoskit.cluster import nodes as nodes_mod
from chaoskit.cluster import roles as roles_mod
from chaoskit.cluster.nodes import Node
from chaoskit.cluster.roles import Roles
from chaoskit.ledger import EventKind, LedgerWriter
from faults import actions, effects, kinds, targets
from faults.effects import Effect
from faults.plan import Plan, Step

RESOLVE_TIMEOUT_S = 30.0   # how long a step waits for its target to exist (e.g. a new master)
RESOLVE_RETRY_S = 3.0
WATCH_S = 2.0
HEAL_ATTEMPTS = 3
_ERRORS = (docker.errors.DockerException, actions.ActionError)


@dataclass
class _Active:
    step: Step
    effect: Effect
    rowid: int
    heal_at: float = math.inf


@dataclass
class Outcome:
    applied: int = 0
    skipped: list[str] = field(default_factory=list)    # "step 3: why"
    unhealed: list[str] = field(default_factory=list)   # problems left after heal_all
    stopped: bool = False                                # the stop event ended the run early


class Executor:
    """Interprets one plan against the live cluster; see the module doc.

    `lookup`, `list_nodes`, `apply`, `heal` and `clock` default to the real
    cluster and wall clock; tests pass fakes. `watch_s=None` turns the role
    watcher off.
    """

    def __init__(self, client: docker.DockerClient | None, ledger: LedgerWriter, plan: Plan, t0: float, *,
                 log: Callable[[str], None] = lambda msg: None,
                 lookup: Callable[[list[Node]], Roles] = roles_mod.lookup,
                 list_nodes: Callable[..., list[Node]] = nodes_mod.list_nodes,
                 apply: Callable[..., None] = actions.apply_effect,
                 heal: Callable[..., list[str]] = actions.heal_effect,
                 clock: Callable[[], float] = time.time, watch_s: float | None = WATCH_S) -> None:
        self.client, self.ledger, self.plan, self.t0 = client, ledger, plan, t0
        self._log, self._lookup, self._list_nodes = _never_raising(log), lookup, list_nodes
        self._apply, self._heal_fn, self._clock, self._watch_s = apply, heal, clock, watch_s
        self._lock = threading.RLock()   # apply and heal_all never interleave
        self._active: list[_Active] = []
        self._unhealed: list[_Active] = []
        self._closed = False
        self._seen: dict[str, tuple] = {}
        self._seen_lock = threading.Lock()
        self._lookup_s = 1.0             # measured per lookup; a step is aimed this early
        self._outcome = Outcome()

    def run(self, stop: threading.Event) -> Outcome:
        """Carry the plan out until its last heal or until `stop` is set; heal everything."""
        pending = sorted(self.plan.steps, key=lambda s: (s.start, s.index))
        watching = threading.Event()
        watcher = threading.Thread(target=self._watch, args=(watching,), name="fault-role-watch", daemon=True)
        if self._watch_s:
            watcher.start()
        try:
            while (pending or self._active) and not stop.is_set():
                start_at = self.t0 + pending[0].start if pending else math.inf
                first = min(self._active, key=lambda a: a.heal_at, default=None)
                # A heal due before the next step starts goes first, so that step
                # is aimed at a cluster without it.
                if first is not None and first.heal_at <= start_at:
                    due, act = first.heal_at, lambda active=first: self._heal(active)
                else:
                    due, act = start_at - self._lookup_s, lambda: self._inject(pending.pop(0), stop)
                if due > self._clock():
                    stop.wait(due - self._clock())
                else:
                    act()
        finally:
            watching.set()
            self._outcome.stopped = stop.is_set()
            self._outcome.unhealed = self.heal_all()
            if watcher.is_alive():
                watcher.join(timeout=30)  # no ledger writes after run() returns
        return self._outcome

    def heal_all(self) -> list[str]:
        """Heal every active fault, newest first, and start no more; returns what stays unhealed."""
        with self._lock:
            self._closed = True
            for active in sorted(self._active + self._unhealed, key=lambda a: -a.step.index):
                self._heal(active)
            return [f"step {a.step.index} ({a.step.fault} on {', '.join(n.name for n in a.effect.nodes)})"
                    for a in self._unhealed]

    # -- one step ------------------------------------------------------------

    def _inject(self, step: Step, stop: threading.Event) -> None:
        aimed = self._aim(step, stop)
        if aimed is None:
            return
        label, effect = aimed
        clash = sorted(self._busy_for(effect) & {n.name for n in effect.nodes})
        if clash:
            self._skip(step, f"{', '.join(clash)} still under an earlier fault")
            return
        if stop.wait(max(0.0, self.t0 + step.start - self._clock())):
            return
        with self._lock:
            if self._closed:
                return
            rowid = self.ledger.add_now("faults", {
                "name": step.fault, "target": label, "start_ts": self._clock(), "step": step.index,
                "detail": json.dumps(effect.ledger_detail(), sort_keys=True)})
            active = _Active(step, effect, rowid)
            self._active.append(active)  # before applying: a half-applied fault is healed too
            self._log(f"{self._since()} step {step.index}: {step.fault} {_shape(step)}-> {label}")
            try:
                self._apply(self.client, effect)
            except _ERRORS as exc:
                self._log(f"{self._since()} step {step.index}: apply failed: {exc}")
                self.ledger.add("events", {"ts": self._clock(), "kind": EventKind.FAULT_FAILED,
                                           "detail": f"step {step.index}: {exc}"})
                self._heal(active)
                return
            active.heal_at = self._clock() + step.duration
            self._outcome.applied += 1

    def _busy_for(self, effect: Effect) -> set[str]:
        """Nodes `effect` may not touch because an active fault holds them.

        A node may be killed or stopped while cut off or degraded: its network
        namespace, and our rules in it, go with its processes, and the network
        heal then finds nothing to undo (the lossy-ack recipe: cut replication,
        then kill the master). Any other overlap on one node is refused.
        """
        return {n.name for a in self._active for n in a.effect.nodes
                if not (effect.verb in ("kill", "stop") and a.effect.verb in ("iptables", "tc"))}

    def _aim(self, step: Step, stop: threading.Event) -> tuple[str, Effect] | None:
        """Look the roles up and resolve the step's target, retrying while it does not exist yet."""
        kind = kinds.KINDS[step.fault]
        deadline = self._clock() + RESOLVE_TIMEOUT_S
        while True:
            began = self._clock()
            nodes = self._list_nodes(self.client)
            roles = self._lookup(nodes)
            self._lookup_s = self._clock() - began
            self._note_roles(roles)
            # Seeded per step: the same plan against the same cluster picks the same nodes.
            rng = random.Random(f"{self.plan.seed}/{step.index}")
            try:
                resolved = targets.resolve(step.target, nodes, roles, rng)
                return resolved.label, effects.build(kind, step.params, resolved.nodes, nodes, rng)
            except targets.TargetUnavailable as exc:
                if self._clock() >= deadline or stop.wait(RESOLVE_RETRY_S):
                    self._skip(step, str(exc))
                    return None

    def _heal(self, active: _Active) -> None:
        with self._lock:
            for attempt in range(HEAL_ATTEMPTS):
                try:
                    self._heal_fn(self.client, active.effect)
                    break
                except _ERRORS as exc:
                    self._log(f"{self._since()} step {active.step.index}: heal failed ({exc})")
                    if attempt < HEAL_ATTEMPTS - 1:
                        time.sleep(2)
            else:
                if active in self._active:
                    self._active.remove(active)
                    self._unhealed.append(active)
                return
            self.ledger.update_now("faults", active.rowid, {"end_ts": self._clock()})
            for pool in (self._active, self._unhealed):
                if active in pool:
                    pool.remove(active)
            self._log(f"{self._since()} step {active.step.index}: healed {active.step.fault}")

    # -- ledger notes ----------------------------------------------------------

    def _watch(self, done: threading.Event) -> None:
        """Look the roles up every `watch_s` seconds until `done`, noting changes."""
        while not done.wait(self._watch_s):
            try:
                self._note_roles(self._lookup(self._list_nodes(self.client)))
            except Exception as exc:  # a watcher never ends the run; the next round tries again
                self._log(f"{self._since()} role lookup failed: {exc}")

    def _note_roles(self, roles: Roles) -> None:
        """An 'events' row whenever the master or the controller leader differs from the last lookup."""
        seen = {
            EventKind.MASTER_CHANGE: (roles.master, roles.master_epoch),
            EventKind.CONTROLLER_LEADER_CHANGE: (roles.controller_leader,),
        }
        for kind, value in seen.items():
            with self._seen_lock:
                if value[0] is None or self._seen.get(kind) == value:
                    continue
                self._seen[kind] = value
            detail = (f"{roles.master} is master (epoch {roles.master_epoch})" if kind is EventKind.MASTER_CHANGE
                      else f"{roles.controller_leader} is controller leader")
            self.ledger.add("events", {"ts": self._clock(), "kind": kind, "detail": detail})
            self._log(f"{self._since()} {detail}")

    def _skip(self, step: Step, why: str) -> None:
        self._outcome.skipped.append(f"step {step.index}: {why}")
        self.ledger.add("events", {"ts": self._clock(), "kind": EventKind.FAULT_SKIPPED,
                                   "detail": f"step {step.index} ({step.fault} {step.target}): {why}"})
        self._log(f"{self._since()} step {step.index}: skipped {step.fault} {step.target}: {why}")

    def _since(self) -> str:
        return f"{self._clock() - self.t0:+7.1f}s"


def _never_raising(log: Callable[[str], None]) -> Callable[[str], None]:
    """`log` that cannot fail: a closed stdout (the terminal or a parent gone) must not stop a heal."""
    def safe(msg: str) -> None:
        try:
            log(msg)
        except Exception:
            pass
    return safe


def _shape(step: Step) -> str:
    return f"({step.params['shape']}) " if "shape" in step.params else ""


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event, log: Callable[[str], None] = lambda msg: None) -> Iterator[None]:
    """While inside, SIGINT and SIGTERM set `stop` instead of killing the process.

    Call it in the main thread with the executor in another one: the
    executor then heals everything and returns. Further signals are ignored
    (a heal is never cut short); SIGKILL cannot be caught, hence `chaoskit heal`.
    """
    log = _never_raising(log)

    def handler(signum: int, frame: object) -> None:
        stopping = stop.is_set()
        stop.set()
        log("already stopping: healing" if stopping else
            f"{signal.Signals(signum).name}: stopping; every active fault is healed first")

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
