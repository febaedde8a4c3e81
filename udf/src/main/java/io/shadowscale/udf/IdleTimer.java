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

    /**
     * Arms the key's timer at {@code expiry} unless one is armed already. For a function that
     * re-arms in {@code onTimer} from its own record of the last activity (see
     * {@link #rearm}): moving the timer on every record costs a priority-queue delete and insert.
     */
    void armIfNone(TimerService timers, long expiry) throws Exception {
        if (at.value() == null) {
            timers.registerEventTimeTimer(expiry);
            at.update(expiry);
        }
    }

    /**
     * In {@code onTimer}: when the key was active after the timer was armed (its real expiry
     * {@code expiry} is later than the timer that fired), arms it again there and returns true;
     * otherwise returns false and the caller drops the state.
     */
    boolean rearm(TimerService timers, long fired, long expiry) throws Exception {
        if (expiry > fired) {
            timers.registerEventTimeTimer(expiry);
            at.update(expiry);
            return true;
        }
        return false;
    }

    void clear() {
        at.clear();
    }
}
