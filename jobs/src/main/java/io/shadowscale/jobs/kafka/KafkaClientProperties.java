package io.shadowscale.jobs.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Kafka client settings from a properties file ({@code --kafka-properties FILE}) that every Kafka
 * client of the job and of the command line gets: security ({@code security.protocol},
 * {@code sasl.*}, {@code ssl.*}), client tuning. Secrets stay in the file: they are never put on a
 * command line, and messages and logs name the keys only, never the values.
 *
 * <pre>
 *   security.protocol=SASL_SSL
 *   sasl.mechanism=SCRAM-SHA-512
 *   sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="shadowscale" password="...";
 *   ssl.truststore.location=/etc/kafka/truststore.p12
 *   ssl.truststore.password=...
 * </pre>
 */
public final class KafkaClientProperties {

    /** Set by shadowscale itself: overriding them would break decoding or exactly-once. */
    static final Set<String> RESERVED = Set.of(
            "bootstrap.servers", "key.serializer", "value.serializer", "key.deserializer", "value.deserializer",
            "transactional.id", "isolation.level", "enable.auto.commit", "group.id");

    private KafkaClientProperties() {
    }

    /** No extra settings. */
    public static Properties none() {
        return new Properties();
    }

    /**
     * Reads {@code file} (Java properties syntax).
     *
     * @throws IllegalArgumentException (one line, naming the file and keys only) when it cannot
     *     be read or sets a key shadowscale manages
     */
    public static Properties load(Path file) {
        if (file == null) {
            return none();
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no Kafka properties file at " + file.toAbsolutePath());
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            // the exception text could quote a line of the file: leave it out
            throw new IllegalArgumentException("cannot read the Kafka properties file " + file.toAbsolutePath()
                    + " (" + e.getClass().getSimpleName() + ")");
        }
        Set<String> reserved = new TreeSet<>(p.stringPropertyNames());
        reserved.retainAll(RESERVED);
        if (!reserved.isEmpty()) {
            throw new IllegalArgumentException("the Kafka properties file " + file.toAbsolutePath() + " sets " + reserved
                    + ", which shadowscale sets itself; remove " + (reserved.size() == 1 ? "it" : "them"));
        }
        return p;
    }

    /** The keys, for messages: e.g. "[sasl.jaas.config, security.protocol]". Never the values. */
    public static List<String> keys(Properties p) {
        return List.copyOf(new TreeSet<>(p.stringPropertyNames()));
    }

    /** {@code base} with {@code extra} put over it (a new object). */
    public static Properties merged(Properties base, Properties extra) {
        Properties p = new Properties();
        p.putAll(base);
        if (extra != null) {
            p.putAll(extra);
        }
        return p;
    }
}
