package io.shadowscale.udf.logic.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

class OnnxQuantileModelTest {

    /** ONNX Runtime's own nested answer for the same rows, from a heap buffer (the plain API). */
    static float[][][] nested(OnnxQuantileModel m, float[] features, int batch) throws Exception {
        try (OnnxTensor t = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(features, 0, batch * m.width()),
                new long[] {batch, m.width()});
             OrtSession.Result r = m.session().run(Map.of(m.inputName(), t))) {
            return (float[][][]) r.get(0).getValue();
        }
    }

    @Test
    void theFlatAnswerThroughReusedBuffersIsOnnxRuntimesOwnBitForBit() throws Exception {
        Random rnd = new Random(3);
        try (OnnxQuantileModel m = OnnxQuantileModel.bundled(Baselines.DEFAULT_MODEL, 1)) {
            OnnxQuantileModel.Buffers buffers = new OnnxQuantileModel.Buffers();
            // growing and shrinking batches through the same buffers: stale values must never leak in
            for (int batch : new int[] {5, 40, 3, 640, 1, 17}) {
                float[] features = new float[batch * ModelFeatures.SIZE];
                for (int i = 0; i < features.length; i++) features[i] = (float) (rnd.nextGaussian() * (i % 7 == 0 ? 3 : 0.5));
                float[][][] expected = nested(m, features, batch);
                float[] flat = m.score(features, batch, buffers);
                assertThat(flat).isSameAs(buffers.out());
                for (int r = 0; r < batch; r++) {
                    for (int h = 0; h < ModelFeatures.HORIZON; h++) {
                        for (int k = 0; k < 3; k++) {
                            assertThat(Float.floatToRawIntBits(flat[OnnxQuantileModel.at(r, h, k)]))
                                    .as("batch %d row %d step %d quantile %d", batch, r, h, k)
                                    .isEqualTo(Float.floatToRawIntBits(expected[r][h][k]));
                        }
                    }
                }
            }
        }
    }
}
