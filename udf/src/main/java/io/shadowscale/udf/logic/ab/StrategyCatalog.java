package io.shadowscale.udf.logic.ab;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.flink.util.ParameterTool;

import io.shadowscale.udf.ShadowOptions;

/**
 * Named scaling strategies — policy configurations that override some of the job's options — and
 * the live A/B arms, from {@code flink-conf/strategies.properties} (bundled on the classpath as
 * {@value #RESOURCE}) or a file. Each strategy becomes a full {@link ShadowOptions}: the job's
 * options with the strategy's overrides, its {@code policyName} being the strategy's name, so
 * every command says which strategy decided it.
 */
public final class StrategyCatalog implements Serializable {

    public static final String RESOURCE = "strategies/strategies.properties";

    private final Map<String, Map<String, String>> overrides;
    private final String arms;
    private final String salt;
    private final String defaultStrategy;

    StrategyCatalog(Map<String, Map<String, String>> overrides, String arms, String salt, String defaultStrategy) {
        this.overrides = overrides;
        this.arms = arms;
        this.salt = salt;
        this.defaultStrategy = defaultStrategy;
    }

    public static StrategyCatalog bundled() {
        try (InputStream in = StrategyCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("strategy catalogue " + RESOURCE + " missing from the classpath");
            }
            return parse(new java.io.InputStreamReader(in, StandardCharsets.UTF_8), RESOURCE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }

    public static StrategyCatalog load(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r, file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read strategy catalogue " + file + ": " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException naming the source, the key and what is wrong */
    public static StrategyCatalog parse(String text, String source) {
        try {
            return parse(new java.io.StringReader(text), source);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException naming the file, the key and what is wrong */
    static StrategyCatalog parse(Reader reader, String source) throws IOException {
        Properties p = new Properties();
        p.load(reader);
        Map<String, Map<String, String>> overrides = new TreeMap<>();
        for (String key : new TreeMap<>(Map.copyOf(castMap(p))).keySet()) {
            if (key.startsWith("strategy.")) {
                String rest = key.substring("strategy.".length());
                int dot = rest.indexOf('.');
                if (dot <= 0 || dot == rest.length() - 1) {
                    throw new IllegalArgumentException(source + ": '" + key + "' should be strategy.<name>.<option>");
                }
                overrides.computeIfAbsent(rest.substring(0, dot), n -> new LinkedHashMap<>())
                        .put(rest.substring(dot + 1), p.getProperty(key).strip());
            } else if (!key.equals("ab.arms") && !key.equals("ab.salt") && !key.equals("ab.default")) {
                throw new IllegalArgumentException(source + ": unknown key '" + key + "' (strategy.<name>.<option>, ab.arms, ab.salt or ab.default)");
            }
        }
        if (overrides.isEmpty()) {
            throw new IllegalArgumentException(source + ": no strategies (strategy.<name>.<option> = value)");
        }
        String def = p.getProperty("ab.default", overrides.containsKey("default") ? "default" : overrides.keySet().iterator().next()).strip();
        String arms = p.getProperty("ab.arms", def + "=1").strip();
        StrategyCatalog c = new StrategyCatalog(overrides, arms, p.getProperty("ab.salt", "shadowscale").strip(), def);
        // fail on load, not in the job: every strategy must make valid options, every arm must exist
        if (!overrides.containsKey(def)) {
            throw new IllegalArgumentException(source + ": ab.default names unknown strategy '" + def + "' (known: " + overrides.keySet() + ")");
        }
        for (String name : overrides.keySet()) {
            try {
                c.options(name, ShadowOptions.defaults());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": strategy " + name + ": " + e.getMessage(), e);
            }
        }
        try {
            for (String arm : c.assignment().arms()) {
                if (!overrides.containsKey(arm)) {
                    throw new IllegalArgumentException("arm '" + arm + "' is not a strategy (known: " + overrides.keySet() + ")");
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": ab.arms: " + e.getMessage(), e);
        }
        return c;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<String, String> castMap(Properties p) {
        return (Map) p;
    }

    public java.util.Set<String> names() {
        return overrides.keySet();
    }

    public String defaultStrategy() {
        return defaultStrategy;
    }

    public ArmAssignment assignment() {
        return ArmAssignment.parse(arms, salt);
    }

    /** The job's options with the strategy's overrides; {@code policyName} = the strategy. */
    public ShadowOptions options(String strategy, ShadowOptions base) {
        Map<String, String> o = overrides.get(strategy);
        if (o == null) {
            throw new IllegalArgumentException("unknown strategy '" + strategy + "' (known: " + String.join(", ", overrides.keySet()) + ")");
        }
        ParameterTool p = ParameterTool.fromMap(o);
        ShadowOptions s = base.copy().apply(p);
        if (!p.getUnrequestedParameters().isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) " + p.getUnrequestedParameters() + " (use the job's option names, e.g. quantile, target-cpu-utilization)");
        }
        s.policyName = strategy;
        return s;
    }

    /** Every strategy as options, in name order. */
    public Map<String, ShadowOptions> all(ShadowOptions base) {
        Map<String, ShadowOptions> out = new LinkedHashMap<>();
        for (String n : overrides.keySet()) {
            out.put(n, options(n, base));
        }
        return out;
    }
}
