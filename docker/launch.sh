#!/bin/bash
# chaoskit's launcher for one RocketMQ role inside a chaoskit/rocketmq image.
#
# The role comes from ROLE (namesrv | broker | proxy). Properties come from
# environment variables named RMQ_<key> (e.g. RMQ_brokerName=broker-a), then
# from /chaoskit/conf/node-<node>.properties (a user's own file, `run --config`)
# and /chaoskit/conf/<role>.properties (run overrides) where they exist, later
# keys winning. The rendered config is kept in /data/conf so a run can
# collect exactly what each node ran with. Logs and store live under /data,
# a bind mount that survives container kills.
set -euo pipefail

ROLE=${ROLE:?ROLE must be namesrv, broker or proxy}
NODE=${NODE_NAME:-$(hostname)}
LIB=/opt/rocketmq/lib
mkdir -p /data/conf /data/logs

render_properties() {  # $1: output file
  : > "$1"
  env | sed -n 's/^RMQ_\([A-Za-z0-9_.]*\)=\(.*\)$/\1=\2/p' | sort >> "$1"
  if [ -f "/chaoskit/conf/node-$NODE.properties" ]; then  # this node's own file (run --config)
    cat "/chaoskit/conf/node-$NODE.properties" >> "$1"
  fi
  if [ -f "/chaoskit/conf/$ROLE.properties" ]; then
    cat "/chaoskit/conf/$ROLE.properties" >> "$1"
  fi
}

prop() {  # $1: file, $2: key -> last value of key
  sed -n "s/^$2=//p" "$1" | tail -n 1
}

be32() {  # $1: a number -> its 4 big-endian bytes as printf escapes
  printf '\\x%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255))
}

registered() {  # $1: NameServers (a;b;c, host:port), $2: cluster -> has a broker of it registered?
  # One remoting request (GET_BROKER_CLUSTER_INFO, code 106) to the first NameServer
  # that accepts a connection, not an admin-tool JVM: the JVMs starting beside it
  # share two cores. A broker registers with every NameServer, so one answer will do.
  local header='{"code":106,"language":"JAVA","version":0,"opaque":1,"flag":0,"extFields":{}}' addr
  for addr in ${1//;/ }; do
    exec 3<>"/dev/tcp/${addr%:*}/${addr#*:}" || continue
    printf "$(be32 $((4 + ${#header})))$(be32 ${#header})%s" "$header" >&3
    # The NameServer keeps the connection open: a match ends the wait at once, else a second.
    if grep -aq "\"clusterAddrTable\":{[^}]*\"$2\"" < <(timeout 1 cat <&3); then
      exec 3<&-
      return 0
    fi
    exec 3<&-
    return 1
  done
  return 1
}

cds_opts() {  # this role's class data archive (docker/cds-train.sh): written at image build, mapped at start
  local archive=/opt/rocketmq/cds/$ROLE.jsa
  if [ -n "${CDS_DUMP:-}" ]; then
    echo "-XX:ArchiveClassesAtExit=$archive"
  elif [ -f "$archive" ]; then
    echo "-XX:SharedArchiveFile=$archive"
  fi
}

java_opts() {  # $1: heap, $2: direct memory limit
  echo "-Xms$1 -Xmx$1 -XX:MaxDirectMemorySize=$2 -XX:+UseG1GC $(cds_opts)"\
    "-XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath=/data/logs"\
    "--add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED"\
    "--add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/jdk.internal.ref=ALL-UNNAMED"\
    "--add-exports java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED"\
    "-Drocketmq.home.dir=/opt/rocketmq -Duser.home=/data"\
    "-Drmq.logback.configurationFile=rmq.$ROLE.logback.xml"\
    "-Dlogback.configurationFile=/opt/rocketmq/conf/logback_$ROLE.xml"
}

case "$ROLE" in
  namesrv)
    CONF=/data/conf/namesrv.properties
    render_properties "$CONF"
    # C1 only: a NameServer and its controller do little work, and C2's compiling
    # at start-up competes with five other JVMs for two cores.
    exec java $(java_opts "${JAVA_HEAP:-256m}" 256m) -XX:TieredStopAtLevel=1 -cp "$LIB/*" \
      org.apache.rocketmq.namesrv.NamesrvStartup -c "$CONF"
    ;;
  broker)
    CONF=/data/conf/broker.properties
    render_properties "$CONF"
    # Direct memory: every thread that writes to the store keeps a direct encoder
    # buffer of maxMessageSize (4 MiB), and under pop consumption dozens do. At
    # 256m the master ran out, its HA ReadSocketService died with an
    # OutOfMemoryError, and a rejoining replica hung in HANDSHAKE. A limit, not
    # an allocation (RocketMQ's own scripts allow 15g).
    exec java $(java_opts "${JAVA_HEAP:-512m}" 1g) -cp "$LIB/*" \
      org.apache.rocketmq.broker.BrokerStartup -c "$CONF"
    ;;
  proxy)
    CONF=/data/conf/proxy.properties
    render_properties "$CONF"
    NAMESRV=$(prop "$CONF" namesrvAddr)
    CLUSTER=$(prop "$CONF" rocketMQClusterName)
    # The proxy exits if no broker of its cluster has registered yet
    # (it cannot create its heartbeat topic): wait for one.
    until registered "$NAMESRV" "$CLUSTER" 2>/dev/null; do
      echo "proxy: waiting for a broker of $CLUSTER to register at $NAMESRV"
      sleep 0.5
    done
    TLS=""
    case "$ROCKETMQ_VERSION" in
      5.0.*)  # 5.0 proxies serve gRPC only over TLS: make a CA and a server cert once.
        TLS_DIR=/data/tls
        if [ ! -f "$TLS_DIR/server.crt" ]; then
          mkdir -p "$TLS_DIR"
          IP=$(hostname -i | awk '{print $1}')
          openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=chaoskit-ca" \
            -keyout "$TLS_DIR/ca.key" -out "$TLS_DIR/ca.crt" 2>/dev/null
          openssl req -newkey rsa:2048 -nodes -subj "/CN=$NODE" \
            -keyout "$TLS_DIR/server.key.pem" -out "$TLS_DIR/server.csr" 2>/dev/null
          printf 'subjectAltName=IP:%s,IP:127.0.0.1,DNS:%s,DNS:localhost\n' "$IP" "$NODE" > "$TLS_DIR/san.ext"
          openssl x509 -req -in "$TLS_DIR/server.csr" -CA "$TLS_DIR/ca.crt" -CAkey "$TLS_DIR/ca.key" \
            -CAcreateserial -days 30 -extfile "$TLS_DIR/san.ext" -out "$TLS_DIR/server.crt" 2>/dev/null
          openssl pkcs8 -topk8 -nocrypt -in "$TLS_DIR/server.key.pem" -out "$TLS_DIR/server.key"
        fi
        TLS=$(printf ',"grpcTlsTestModeEnable":false,"grpcTlsKeyPath":"%s","grpcTlsCertPath":"%s"' \
          "$TLS_DIR/server.key" "$TLS_DIR/server.crt")
        ;;
    esac
    # The proxy takes JSON: every property becomes a string field, except
    # numbers and booleans, which stay bare.
    JSON=$(awk -F= 'NF>=2 { k=$1; v=substr($0, length($1)+2);
        if (v ~ /^(true|false|-?[0-9]+)$/) printf "%s\"%s\":%s", sep, k, v;
        else { gsub(/"/, "\\\"", v); printf "%s\"%s\":\"%s\"", sep, k, v }
        sep="," }' "$CONF")
    echo "{${JSON}${TLS}}" > /data/conf/rmq-proxy.json
    exec java $(java_opts "${JAVA_HEAP:-384m}" 256m) -cp "$LIB/*" \
      org.apache.rocketmq.proxy.ProxyStartup -pc /data/conf/rmq-proxy.json -pm cluster
    ;;
  *)
    echo "unknown ROLE '$ROLE' (namesrv, broker or proxy)" >&2
    exit 64
    ;;
esac
