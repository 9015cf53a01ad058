package dev.quicksilver.client.pool;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.quicksilver.protocol.SidecarConventions;
import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.LoadBalancer;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The picker's rules: owner first; wait for an owner still connecting; pass over one that failed; spill over. */
class AffinityPickerTest {

    static final class FakeSubchannel extends LoadBalancer.Subchannel {
        @Override
        public void shutdown() {}

        @Override
        public void requestConnection() {}

        @Override
        public Attributes getAttributes() {
            return Attributes.EMPTY;
        }
    }

    static LoadBalancer.PickSubchannelArgs args(String key, Integer attempt) {
        Metadata headers = new Metadata();
        headers.put(SidecarConventions.AFFINITY_HEADER, key);
        if (attempt != null) {
            headers.put(SidecarConventions.AFFINITY_ATTEMPT_HEADER, attempt.toString());
        }
        return new LoadBalancer.PickSubchannelArgs() {
            @Override
            public CallOptions getCallOptions() {
                return CallOptions.DEFAULT;
            }

            @Override
            public Metadata getHeaders() {
                return headers;
            }

            @Override
            public MethodDescriptor<?, ?> getMethodDescriptor() {
                return null;
            }
        };
    }

    final HashRing ring = HashRing.of(List.of("a:1", "b:1"), ContextAffinityLoadBalancer.POINTS_PER_ENDPOINT);
    final FakeSubchannel a = new FakeSubchannel();
    final FakeSubchannel b = new FakeSubchannel();

    /** A key that hashes to a. */
    String keyOfA() {
        for (int i = 0; ; i++) {
            if (ring.owner("k" + i).equals("a:1")) return "k" + i;
        }
    }

    @Test
    void theOwnerTakesItsKeysAndASpillOverTheNext() {
        var picker = new ContextAffinityLoadBalancer.AffinityPicker(ring, Map.of("a:1", a, "b:1", b), Set.of(), new AtomicInteger());
        assertSame(a, picker.pickSubchannel(args(keyOfA(), null)).getSubchannel());
        assertSame(b, picker.pickSubchannel(args(keyOfA(), 1)).getSubchannel());
        assertSame(a, picker.pickSubchannel(args(keyOfA(), 2)).getSubchannel(), "around the ring");
    }

    @Test
    void anOwnerStillConnectingIsWaitedFor() {
        var picker = new ContextAffinityLoadBalancer.AffinityPicker(ring, Map.of("b:1", b), Set.of("a:1"), new AtomicInteger());
        LoadBalancer.PickResult r = picker.pickSubchannel(args(keyOfA(), null));
        assertFalse(r.hasResult(), "no pick yet: the call waits for the next picker");
    }

    @Test
    void anOwnerThatFailedIsPassedOver() {
        var picker = new ContextAffinityLoadBalancer.AffinityPicker(ring, Map.of("b:1", b), Set.of(), new AtomicInteger());
        assertSame(b, picker.pickSubchannel(args(keyOfA(), null)).getSubchannel());
    }
}
