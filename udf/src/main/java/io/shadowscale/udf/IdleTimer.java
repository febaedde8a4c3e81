package io.shadowscale.udf;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

/**
 * One event-time timer per key that drops a workload's state once it has been idle: each
 * function moves it forward on activity and clears its state when it fires. The timer's time is
 * kept in state so the previous one can be deleted (a key never holds more than one).
 */
final class IdleTimer {

    static ValueStateDescriptor<Long> descriptor() {
        return new ValueStateDescriptor<>("idle-timer", Types.LONG);
    }

    private final ValueState<Long> at;

    IdleTimer(ValueState<Long> at) {
        this.at = at;
    }

    /** Moves the key's timer to {@code expiry}, never earlier than it already is. */
    void extendTo(TimerService timers, long expiry) throws Exception {
        Long previous = at.value();
        if (previous != null) {
            if (previous >= expiry) {
                return;
            }
            timers.deleteEventTimeTimer(previous);
        }
        timers.registerEventTimeTimer(expiry);
        at.update(expiry);
    }

    void clear() {
        at.clear();
    }
}
