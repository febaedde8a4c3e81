package io.shadowscale.udf;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

/**
 * One event-time timer per key that drops a workload's state once it has been idle. A key never
 * holds more than one timer. Three ways to use it: {@link #extendTo} moves the timer itself (a
 * priority-queue delete and insert, for timers that rarely move); {@link #touch} with
 * {@link #expired} only records the latest expiry in this state and re-arms the timer from it when
 * it fires; {@link #armIfNone} with {@link #rearm} does the same from the function's own record of
 * the last activity.
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
     * Records activity until {@code expiry} (never earlier than recorded) without moving the
     * timer: the state holds the latest expiry, the armed timer stays at or before it, and
     * {@link #expired} arms it again there when it fires. Moving the timer on every record cost a
     * delete and an insert in the timer queue (and its hash set) per record.
     */
    void touch(TimerService timers, long expiry) throws Exception {
        Long recorded = at.value();
        if (recorded == null) {
            timers.registerEventTimeTimer(expiry);
            at.update(expiry);
        } else if (expiry > recorded) {
            at.update(expiry);
        }
    }

    /**
     * In {@code onTimer}, for a timer armed by {@link #touch}: true when the key was idle until
     * {@code fired} (the caller drops its state and calls {@link #clear}); false when activity
     * was recorded after the timer was armed, which is then armed again at the recorded expiry.
     */
    boolean expired(TimerService timers, long fired) throws Exception {
        Long recorded = at.value();
        if (recorded != null && recorded > fired) {
            timers.registerEventTimeTimer(recorded);
            return false;
        }
        return true;
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
