package dev.quicksilver.client.pool;

import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;

/** Registers {@link ContextAffinityLoadBalancer} with gRPC (through {@code META-INF/services}). */
public final class ContextAffinityLoadBalancerProvider extends LoadBalancerProvider {

    /** The policy's name in a service config or {@code defaultLoadBalancingPolicy}. */
    public static final String POLICY_NAME = "quicksilver_context_affinity";

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public int getPriority() {
        return 5;
    }

    @Override
    public String getPolicyName() {
        return POLICY_NAME;
    }

    @Override
    public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
        return new ContextAffinityLoadBalancer(helper);
    }
}
