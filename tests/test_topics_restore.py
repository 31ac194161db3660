"""After recovery, workload topics a replica lost (RocketMQ 5.3.3's slave sync, docs/matrix.md) are
found and re-created on broker-a; and the final read resumes after transient errors. Fake brokers."""
from __future__ import annotations

import pytest
from test_cluster_pull import stored

from chaoskit.cluster import remoting, topics
from chaoskit.cluster.nodes import Node
from chaoskit.cluster.roles import Roles
from workloads import final_read, payload

ALL = [name for t in topics.TOPICS.values() for name in (t.name, t.group)]
MASTER = Node("broker-a-1", "broker", "c1", "10.213.7.22", "running")
SLAVE = Node("broker-a-0", "broker", "c0", "10.213.7.21", "running")


class Brokers:
    """Topic and group tables per broker address; `refusing` addresses refuse every creation."""

    def __init__(self, tables: dict[str, set[str]], refusing: tuple[str, ...] = ()) -> None:
        self.tables, self.refusing, self.created = tables, refusing, []

    def call(self, addr, code, body=None, timeout=3.0, fields=None):
        have = self.tables[addr]
        if code == remoting.GET_ALL_TOPIC_CONFIG:
            return {}, {"topicConfigTable": {n: {"readQueueNums": 2} for n in have if not n.endswith("consumers")}}
        if code == remoting.GET_ALL_SUBSCRIPTIONGROUP_CONFIG:
            return {}, {"subscriptionGroupTable": {n: {} for n in have if n.endswith("consumers")}}
        if addr in self.refusing:
            raise remoting.RemotingError(f"{addr}: code 1 refused")
        name = fields["topic"] if code == remoting.UPDATE_AND_CREATE_TOPIC else body["groupName"]
        have.add(name)
        self.created.append((addr, name))
        return {}, None


@pytest.fixture
def brokers(monkeypatch, request):
    fake = Brokers(*request.param)
    monkeypatch.setattr(remoting, "call", fake.call)
    return fake


@pytest.mark.parametrize("brokers", [({MASTER.broker_addr: set(ALL), SLAVE.broker_addr: set(ALL)},)], indirect=True)
def test_whole_replicas_are_left_alone(brokers):
    assert topics.restore(MASTER, [SLAVE]) == []
    assert brokers.created == []


@pytest.mark.parametrize("brokers", [({MASTER.broker_addr: {"chaos-probe", *ALL[1::2]},
                                       SLAVE.broker_addr: {"chaos-probe"}}, (SLAVE.broker_addr,))], indirect=True)
def test_what_a_replica_lost_is_named_and_re_created_on_the_master(brokers):
    """A loss like 5.3.3's: the promoted replica kept the groups and chaos-probe, lost chaos-queue and chaos-fifo;
    a slave that refuses creations (5.0.x) is left to copy the master."""
    assert topics.restore(MASTER, [SLAVE]) == [
        "broker-a-1 (master) lacked chaos-queue, chaos-fifo",
        "broker-a-0 lacked chaos-queue, chaos-queue-consumers, chaos-fifo, chaos-fifo-consumers, chaos-probe-consumers"]
    assert brokers.tables[MASTER.broker_addr] == set(ALL)
    assert {a for a, _ in brokers.created} == {MASTER.broker_addr}


@pytest.mark.parametrize("brokers", [({MASTER.broker_addr: set(), SLAVE.broker_addr: set()}, (MASTER.broker_addr,))],
                         indirect=True)
def test_a_master_that_refuses_is_an_error(brokers):
    with pytest.raises(remoting.RemotingError):
        topics.restore(MASTER, [SLAVE])


def test_restore_topics_reports_instead_of_raising(monkeypatch):
    from chaoskit.cluster import ready

    monkeypatch.setattr("chaoskit.cluster.nodes.list_nodes", lambda client: [SLAVE, MASTER])
    monkeypatch.setattr(topics, "restore", lambda master, slaves: [f"{master.name} / {[s.name for s in slaves]}"])
    assert ready.restore_topics(None, Roles(master="broker-a-1")) == ["broker-a-1 / ['broker-a-0']"]
    assert ready.restore_topics(None, Roles(master="broker-a-9")) == [
        "the workload topics could not be checked or re-created: broker-a: its master broker-a-9 is not a node "
        "of this cluster"]


class Store:
    """A master holding `depth` messages of this run in each of 2 queues; pulls fail at the offsets in `fail_at`
    once each (a timeout), and the master is found on the `master_after`-th role lookup."""

    def __init__(self, depth: int, fail_at: set[int], master_after: int = 1, has_topic: bool = True) -> None:
        self.depth, self.fail_at, self.master_after, self.has_topic = depth, set(fail_at), master_after, has_topic
        self.lookups, self.pulls = 0, []

    def lookup(self, nodes):
        self.lookups += 1
        return Roles(master="broker-a-1" if self.lookups >= self.master_after else None, errors=("no leader yet",))

    def call(self, addr, code, body=None, timeout=3.0, fields=None):
        if code == remoting.GET_ALL_TOPIC_CONFIG:
            return {}, {"topicConfigTable": {"chaos-queue": {"readQueueNums": 2}} if self.has_topic else {}}
        return {"offset": "0" if code == remoting.GET_MIN_OFFSET else str(self.depth)}, None

    def request(self, addr, code, body=None, timeout=3.0, fields=None):
        offset, queue = int(fields["queueOffset"]), fields["queueId"]
        self.pulls.append((queue, offset))
        if (queue, offset) in {(0, o) for o in self.fail_at}:
            self.fail_at.discard(offset)
            raise remoting.RemotingError(f"{addr}: timed out")
        batch = range(offset, min(offset + 2, self.depth))  # two messages a pull
        return remoting.Reply(0, "", {}, b"".join(stored(payload.encode(value(queue, o), "run-1", 40), offset=o)
                                                  for o in batch))


def value(queue: int, offset: int) -> str:
    return payload.value_of(queue, offset)


@pytest.fixture
def store(monkeypatch, request):
    fake = Store(*request.param)
    monkeypatch.setattr(final_read.roles_mod, "lookup", fake.lookup)
    monkeypatch.setattr(remoting, "call", fake.call)
    monkeypatch.setattr(remoting, "request", fake.request)
    monkeypatch.setattr(final_read, "RETRY_WAIT_S", 0.0)
    monkeypatch.setattr(final_read.time, "sleep", lambda s: None)
    return fake


def read(nodes=(MASTER, SLAVE)) -> tuple[final_read.FinalRead, list[dict]]:
    rows: list[dict] = []
    return final_read.read_store(list(nodes), "chaos-queue", "run-1", rows.append), rows


@pytest.mark.parametrize("store", [(5, {2})], indirect=True)
def test_a_queue_read_that_stops_resumes_where_it_stopped(store):
    found, rows = read()
    assert (found.complete, found.rows, found.problems) == (True, 10, ())
    assert sorted((r["queue"], r["queue_offset"]) for r in rows) == [(f"broker-a/{q}", o) for q in (0, 1)
                                                                     for o in range(5)]
    assert [o for q, o in store.pulls if q == 0] == [0, 2, 2, 4]  # offset 2 failed once and was pulled again


@pytest.mark.parametrize("store", [(3, set(), 4)], indirect=True)
def test_the_master_is_looked_up_until_one_is_found(store):
    found, _ = read()
    assert (found.complete, found.rows, store.lookups) == (True, 6, 4)


@pytest.mark.parametrize("store", [(3, set(), 1, False)], indirect=True)
def test_a_master_without_the_topic_is_named(store):
    found, rows = read()
    assert (found.complete, rows, found.problems) == (False, [], ("broker-a-1 has no topic chaos-queue",))


@pytest.mark.parametrize("store", [(3, set(), 10**9)], indirect=True)
def test_no_master_within_the_wait_is_incomplete(store, monkeypatch):
    monkeypatch.setattr(final_read, "MASTER_WAIT_S", 0.0)
    found, _ = read()
    assert (found.complete, found.problems) == (False, ("broker-a has no master to read from (no leader yet)",))
