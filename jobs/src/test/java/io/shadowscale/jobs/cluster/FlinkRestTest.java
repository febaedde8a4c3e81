package io.shadowscale.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class FlinkRestTest {

    @Test
    void theJobsOwnExceptionIsTheMessageOfAFailedRun() throws Exception {
        String body = "{\"errors\":[\"org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.\\n"
                + "\\tat org.apache.flink...\\nCaused by: org.apache.flink.client.program.ProgramInvocationException: The main method caused an error: missing --bootstrap: x\\n"
                + "\\tat ...\\nCaused by: java.lang.IllegalArgumentException: missing --bootstrap: the Kafka bootstrap servers\\n\\tat ...\"]}";
        assertThat(FlinkRest.rootCause(new ObjectMapper().readTree(body))).isEqualTo("missing --bootstrap: the Kafka bootstrap servers");
        assertThat(FlinkRest.rootCause(new ObjectMapper().readTree("{\"errors\":[\"Not found: /jars/x/run\"]}"))).isEqualTo("Not found: /jars/x/run");
    }

    @Test
    void anUnreachableEndpointSaysWhatToDo() {
        FlinkRest rest = new FlinkRest("http://127.0.0.1:" + LocalCluster.freePort());
        assertThat(rest.isUp()).isFalse();
        assertThatThrownBy(rest::overview).isInstanceOf(FlinkRestException.class)
                .hasMessageContaining("no Flink REST endpoint answers at http://127.0.0.1:").hasMessageContaining("cluster start");
        assertThatThrownBy(() -> new FlinkRest("localhost:8081")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a Flink REST address");
    }
}
