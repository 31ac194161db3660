// Prints the properties RocketMQ's MixAll.properties2Object can set on each named class:
// one line "class<TAB>key<TAB>parameter type" per public setter (getMethods(), inherited
// ones included), the key being setXxx -> xxx as properties2Object derives it.
// A class this version does not have prints "class<TAB>-<TAB>missing".
// Run by chaoskit/audit/known_keys.py as: java -cp '<server jars>/*' KnownKeys.java CLASS...
import java.lang.reflect.Method;

public class KnownKeys {
    public static void main(String[] args) {
        ClassLoader loader = KnownKeys.class.getClassLoader();
        for (String name : args) {
            Class<?> cls;
            try {
                cls = Class.forName(name, false, loader);
            } catch (ClassNotFoundException e) {
                System.out.println(name + "\t-\tmissing");
                continue;
            }
            for (Method m : cls.getMethods()) {
                String mn = m.getName();
                if (mn.startsWith("set") && mn.length() > 3 && m.getParameterCount() > 0) {
                    String key = mn.substring(3, 4).toLowerCase() + mn.substring(4);
                    System.out.println(name + "\t" + key + "\t" + m.getParameterTypes()[0].getSimpleName());
                }
            }
        }
    }
}
