#!/bin/bash
# Makes each role's class data archive at image build time (AppCDS): a
# NameServer with its controller, a controller-mode broker and a proxy start
# once on loopback through the launcher, with CDS_DUMP set; on SIGTERM each
# JVM writes the classes it loaded to /opt/rocketmq/cds/<role>.jsa. Every
# later start maps that archive instead of loading, parsing and verifying the
# same classes again: six JVMs start at once on a small host, so that is CPU
# every node gets back. Nothing here leaves the build container.
set -euo pipefail

LAUNCH=/opt/chaoskit/launch.sh
mkdir -p /opt/rocketmq/cds
export CDS_DUMP=1 JAVA_HEAP=256m

start() {  # $1: role, then NAME=value environment; in the background, so $! is its JVM
  local role=$1; shift
  env ROLE="$role" NODE_NAME="train-$role" "$@" "$LAUNCH" > "/tmp/train-$role.out" 2>&1 &
}

start namesrv RMQ_listenPort=9876 RMQ_enableControllerInNamesrv=true \
  RMQ_controllerDLegerGroup=train RMQ_controllerDLegerPeers=n0-127.0.0.1:9878 \
  RMQ_controllerDLegerSelfId=n0 RMQ_controllerStorePath=/data/controller RMQ_mappedFileSize=1048576
namesrv=$!
start broker RMQ_brokerClusterName=train RMQ_brokerName=train-a RMQ_brokerId=-1 \
  RMQ_brokerRole=SLAVE RMQ_enableControllerMode=true RMQ_controllerAddr=127.0.0.1:9878 \
  RMQ_namesrvAddr=127.0.0.1:9876 RMQ_brokerIP1=127.0.0.1 RMQ_listenPort=10911 RMQ_haListenPort=10912 \
  RMQ_storePathRootDir=/data/store RMQ_storePathCommitLog=/data/store/commitlog \
  RMQ_mappedFileSizeCommitLog=67108864 RMQ_mappedFileSizeConsumeQueue=600000 \
  RMQ_transactionMetricFlushInterval=500
broker=$!
start proxy RMQ_rocketMQClusterName=train RMQ_namesrvAddr=127.0.0.1:9876 RMQ_proxyMode=cluster \
  RMQ_grpcServerPort=8081 RMQ_remotingListenPort=8080
proxy=$!

for _ in $(seq 240); do
  grep -q "startup successfully" /tmp/train-proxy.out 2>/dev/null && break
  sleep 0.5
done
if ! grep -q "startup successfully" /tmp/train-proxy.out; then
  tail -n 5 /tmp/train-*.out >&2
  echo "cds-train: the proxy did not start within 120 s" >&2
  exit 1
fi
sleep 2  # the broker's first housekeeping after a client-facing start
for pid in "$proxy" "$broker" "$namesrv"; do
  kill -TERM "$pid"
  wait "$pid" || true  # a JVM ended by SIGTERM exits 143
done
for role in namesrv broker proxy; do
  [ -s "/opt/rocketmq/cds/$role.jsa" ] || { tail -n 5 "/tmp/train-$role.out" >&2; echo "cds-train: no archive for $role" >&2; exit 1; }
done
rm -rf /data /tmp/train-*.out
ls -l /opt/rocketmq/cds
