"""Role lookup parsing, on answers recorded from 5.5.0 and 5.0.0 controllers."""
from __future__ import annotations

from chaoskit.cluster.nodes import Node
from chaoskit.cluster.roles import Roles, broker_entry, parse_replicas_info

NODES = [Node("namesrv-0", "namesrv", "c0", "10.213.7.11", "running"),
         Node("broker-a-0", "broker", "c1", "10.213.7.21", "running"),
         Node("broker-a-1", "broker", "c2", "10.213.7.22", "running"),
         Node("proxy", "proxy", "c3", "10.213.7.31", "running")]

ANSWER = {"inSyncReplicas": [{"alive": True, "brokerAddress": "10.213.7.22:10911", "brokerId": 1, "brokerName": "broker-a"}],
          "notInSyncReplicas": [{"alive": False, "brokerAddress": "10.213.7.21:10911", "brokerId": 2, "brokerName": "broker-a"}],
          "masterAddress": "10.213.7.22:10911", "masterBrokerId": 1, "masterEpoch": 3, "syncStateSetEpoch": 5}


def test_parse_maps_addresses_to_nodes():
    roles = Roles(controller_leader="namesrv-0", **parse_replicas_info(ANSWER, NODES))
    assert roles.master == "broker-a-1" and roles.master_epoch == 3 and roles.sync_state_set_epoch == 5
    assert roles.sync_state_set == ("broker-a-1",)
    assert [(r.node, r.broker_id, r.in_sync, r.alive) for r in roles.replicas] == [
        ("broker-a-0", 2, False, False), ("broker-a-1", 1, True, True)]
    assert [roles.role_of(n) for n in NODES] == ["controller leader", "slave", "master", "proxy"]


def test_no_master_yet():
    roles = Roles(**parse_replicas_info({"inSyncReplicas": [], "notInSyncReplicas": []}, NODES))
    assert roles.master is None and roles.sync_state_set == ()
    assert roles.role_of(NODES[1]) == "broker ?"


# CONTROLLER_GET_SYNC_STATE_DATA as a 5.0.0 controller answers it: only the in-sync members.
ANSWER_5_0 = {"inSyncStateTable": {"broker-a": {
    "inSyncMembers": [{"address": "10.213.7.21:10911", "brokerId": 2}, {"address": "10.213.7.22:10911", "brokerId": 0}],
    "masterAddress": "10.213.7.22:10911", "masterEpoch": 1, "syncStateSetEpoch": 2}}}


def test_parse_a_5_0_answer():
    roles = Roles(controller_leader="namesrv-0", **parse_replicas_info(broker_entry(ANSWER_5_0), NODES))
    assert (roles.master, roles.master_epoch, roles.sync_state_set_epoch) == ("broker-a-1", 1, 2)
    assert [(r.node, r.broker_id, r.in_sync, r.alive) for r in roles.replicas] == [
        ("broker-a-0", 2, True, None), ("broker-a-1", 0, True, None)]


def test_broker_entry_of_either_table():
    assert broker_entry({"replicasInfoTable": {"broker-a": ANSWER}}) is ANSWER
    assert broker_entry({"replicasInfoTable": {}}) is None and broker_entry(None) is None
