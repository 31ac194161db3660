"""Role lookup parsing, on an answer recorded from a 5.5.0 controller."""
from __future__ import annotations

from chaoskit.cluster.nodes import Node
from chaoskit.cluster.roles import Roles, parse_replicas_info

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
