import java.util.*;
import java.util.concurrent.*;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.remoting.protocol.RemotingSerializable;
import org.apache.rocketmq.remoting.protocol.body.TopicConfigAndMappingSerializeWrapper;

// RocketMQ 5.3.3's slave topic sync (docs/matrix.md, "5.3.3 after failover"): the master's table, a
// ConcurrentHashMap(1024), sent as JSON and decoded with 5.3.3's own classes, in the order the slave
// re-adds it; everything from chaos-fifo (the first topic with attributes) on is lost. Run:
//   java -cp "$(cat cp.txt)" docs/evidence/SlaveSyncOrder.java
// with cp.txt the class path of org.apache.rocketmq:rocketmq-remoting:5.3.3 (mvn dependency:build-classpath).
public class SlaveSyncOrder {
    public static void main(String[] args) {
        List<String> system = List.of("SELF_TEST_TOPIC", "BenchmarkTest", "chaoskit", "broker-a", "OFFSET_MOVED_EVENT",
            "SCHEDULE_TOPIC_XXXX", "chaoskit_REPLY_TOPIC", "rmq_sys_REVIVE_LOG_chaoskit", "rmq_sys_SYNC_BROKER_MEMBER_broker-a",
            "RMQ_SYS_TRANS_HALF_TOPIC", "RMQ_SYS_TRANS_OP_HALF_TOPIC", "rmq_sys_wheel_timer");
        List<List<String>> extras = List.of(
            List.of(),
            List.of("%RETRY%chaos-queue-consumers", "%RETRY%chaos-fifo-consumers", "%RETRY%chaos-probe-consumers"),
            List.of("DefaultHeartBeatSyncerTopic", "%RETRY%chaos-queue-consumers_chaos-queue", "%RETRY%chaos-fifo-consumers_chaos-fifo",
                    "%RETRY%chaos-queue-consumers", "%RETRY%chaos-fifo-consumers", "TRANS_CHECK_MAX_TIME_TOPIC"));
        for (List<String> extra : extras) {
            ConcurrentMap<String, TopicConfig> master = new ConcurrentHashMap<>(1024);
            List<String> names = new ArrayList<>(system);
            names.addAll(List.of("chaos-queue", "chaos-fifo", "chaos-probe"));
            names.addAll(extra);
            for (String n : names) {
                TopicConfig c = new TopicConfig(n, 8, 8, 6);
                if (n.equals("chaos-fifo")) c.setAttributes(new HashMap<>(Map.of("message.type", "FIFO")));
                master.put(n, c);
            }
            TopicConfigAndMappingSerializeWrapper w = new TopicConfigAndMappingSerializeWrapper();
            w.setTopicConfigTable(master);
            TopicConfigAndMappingSerializeWrapper got = RemotingSerializable.decode(w.toJson().getBytes(), TopicConfigAndMappingSerializeWrapper.class);
            List<String> order = new ArrayList<>(got.getTopicConfigTable().keySet());
            int fifo = order.indexOf("chaos-fifo");
            System.out.println(names.size() + " topics, map " + got.getTopicConfigTable().getClass().getSimpleName()
                + "; re-added before the exception: " + order.subList(0, fifo) + "; lost: " + order.subList(fifo, order.size()));
        }
    }
}
