package io.shadowscale.jobs.iceberg;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

import org.apache.flink.util.ParameterTool;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.flink.CatalogLoader;

/**
 * Which Iceberg catalog the job writes to. The default is a Hadoop catalog on {@code --warehouse}
 * (a folder, {@code file:}, {@code hdfs:} or {@code s3a:} URI). {@code --catalog-type rest} uses
 * an Iceberg REST catalog ({@code --catalog-uri http://iceberg-rest:8181}) with the warehouse it
 * names; with {@code --s3-endpoint} (or an {@code s3://} warehouse) data files go through Iceberg's
 * {@code S3FileIO} to any S3-compatible store. {@code S3FileIO} is in the job JAR (iceberg-flink-runtime)
 * but the AWS SDK it calls is not: put {@code iceberg-aws-bundle} on the cluster's classpath
 * (docker/ does). Credentials and any other catalog property come from
 * {@code --catalog-properties FILE} (e.g. {@code s3.access-key-id}, {@code token}), never from the
 * command line; messages name the keys only.
 */
public final class CatalogSettings {

    public enum Type { HADOOP, REST }

    static final String S3_FILE_IO = "org.apache.iceberg.aws.s3.S3FileIO";

    public Type type = Type.HADOOP;
    /** Hadoop: the warehouse folder or URI (required). REST: the catalog's warehouse name or location (optional). */
    public String warehouse;
    /** REST: the catalog's endpoint. */
    public String uri;
    public String s3Endpoint;
    public boolean s3PathStyleAccess = true;
    public String s3Region;
    /** More catalog properties (from --catalog-properties FILE). */
    public Map<String, String> properties = new LinkedHashMap<>();

    /** A Hadoop catalog on {@code warehouse}: what the demo and the tests use. */
    public static CatalogSettings hadoop(String warehouse) {
        CatalogSettings c = new CatalogSettings();
        c.warehouse = warehouse;
        return c;
    }

    /**
     * From the job's options: {@code --catalog-type hadoop|rest}, {@code --warehouse},
     * {@code --catalog-uri}, {@code --s3-endpoint}, {@code --s3-path-style-access},
     * {@code --s3-region}, {@code --catalog-properties FILE}.
     *
     * @throws IllegalArgumentException naming the missing or wrong option
     */
    public static CatalogSettings fromArgs(ParameterTool p) {
        CatalogSettings c = new CatalogSettings();
        String type = p.get("catalog-type", "hadoop").strip().toUpperCase(Locale.ROOT);
        try {
            c.type = Type.valueOf(type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --catalog-type '" + p.get("catalog-type") + "': use hadoop or rest");
        }
        c.warehouse = blankToNull(p.get("warehouse"));
        c.uri = blankToNull(p.get("catalog-uri"));
        c.s3Endpoint = blankToNull(p.get("s3-endpoint"));
        c.s3PathStyleAccess = p.getBoolean("s3-path-style-access", true);
        c.s3Region = blankToNull(p.get("s3-region"));
        String file = blankToNull(p.get("catalog-properties"));
        if (file != null) {
            c.properties.putAll(loadProperties(Path.of(file)));
        }
        c.validate();
        return c;
    }

    void validate() {
        if (type == Type.HADOOP && warehouse == null) {
            throw new IllegalArgumentException("missing --warehouse: the Iceberg warehouse, e.g. --warehouse /data/warehouse");
        }
        if (type == Type.REST && uri == null) {
            throw new IllegalArgumentException("missing --catalog-uri: the REST catalog's endpoint, e.g. --catalog-uri http://iceberg-rest:8181");
        }
    }

    /** The catalog properties handed to Iceberg (for a REST catalog), without the file's secrets' values being logged. */
    public Map<String, String> catalogProperties() {
        Map<String, String> m = new LinkedHashMap<>();
        if (type == Type.REST) {
            m.put(CatalogProperties.URI, uri);
            if (warehouse != null) {
                m.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse);
            }
            if (s3Endpoint != null || (warehouse != null && warehouse.startsWith("s3://"))) {
                m.put(CatalogProperties.FILE_IO_IMPL, S3_FILE_IO);
                if (s3Endpoint != null) {
                    m.put("s3.endpoint", s3Endpoint);
                }
                m.put("s3.path-style-access", String.valueOf(s3PathStyleAccess));
                if (s3Region != null) {
                    m.put("client.region", s3Region);
                }
            }
        } else {
            m.put(CatalogProperties.WAREHOUSE_LOCATION, IcebergTables.warehouseLocation(warehouse));
        }
        m.putAll(properties);
        return m;
    }

    public CatalogLoader loader() {
        validate();
        if (type == Type.HADOOP && properties.isEmpty()) {
            return IcebergTables.catalogLoader(warehouse);
        }
        return type == Type.REST
                ? CatalogLoader.rest(IcebergTables.CATALOG_NAME, new Configuration(), catalogProperties())
                : CatalogLoader.hadoop(IcebergTables.CATALOG_NAME, new Configuration(), catalogProperties());
    }

    /** For messages: type, location and the names (not values) of extra properties. */
    public String describe() {
        String where = type == Type.REST ? uri + (warehouse != null ? " (warehouse " + warehouse + ")" : "") : IcebergTables.warehouseLocation(warehouse);
        return type.name().toLowerCase(Locale.ROOT) + " catalog " + where
                + (properties.isEmpty() ? "" : ", properties " + new TreeSet<>(properties.keySet()));
    }

    static Map<String, String> loadProperties(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no catalog properties file at " + file.toAbsolutePath());
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the catalog properties file " + file.toAbsolutePath()
                    + " (" + e.getClass().getSimpleName() + ")");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : new TreeSet<>(p.stringPropertyNames())) {
            m.put(k, p.getProperty(k));
        }
        return m;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
