package dev.quicksilver.client.pool;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.Status;
import io.grpc.StatusOr;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Resolves {@code quicksilver-pool:///a,b,c} (each entry a URL-encoded {@code host:port}; see
 * {@link PoolTarget}) to one address group per entry, named by the entry so that {@link HashRing} places
 * it the same way in every client. Host names are looked up again on every refresh, which gRPC asks for
 * when a connection fails, so a replica that moves to a new IP is found again.
 */
public final class PoolNameResolverProvider extends NameResolverProvider {

    @Override
    protected boolean isAvailable() {
        return true;
    }

    /** Below DNS's 5: the registry's default scheme (for targets without one) is its top provider's. */
    @Override
    protected int priority() {
        return 3;
    }

    @Override
    public String getScheme() {
        return PoolTarget.SCHEME;
    }

    @Override
    public String getDefaultScheme() {
        return PoolTarget.SCHEME;
    }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
        return List.of(InetSocketAddress.class);
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
        if (!PoolTarget.SCHEME.equals(targetUri.getScheme())) {
            return null;
        }
        return new PoolResolver(PoolTarget.entriesOf(targetUri), args);
    }

    private static final class PoolResolver extends NameResolver {
        private final List<PoolTarget.Entry> entries;
        private final Args args;
        private Listener2 listener;
        private boolean resolving;
        private boolean shutdown;

        PoolResolver(List<PoolTarget.Entry> entries, Args args) {
            this.entries = entries;
            this.args = args;
        }

        @Override
        public String getServiceAuthority() {
            return entries.isEmpty() ? "quicksilver-pool" : entries.get(0).authority();
        }

        @Override
        public void start(Listener2 listener) {
            this.listener = listener;
            resolve();
        }

        @Override
        public void refresh() {
            resolve();
        }

        /** Called in the synchronization context; the lookups run on the offload executor. */
        private void resolve() {
            if (resolving || shutdown) {
                return;
            }
            resolving = true;
            Executor offload = args.getOffloadExecutor();
            Runnable lookup = () -> {
                List<EquivalentAddressGroup> groups = new ArrayList<>();
                List<String> unresolved = new ArrayList<>();
                for (PoolTarget.Entry e : entries) {
                    InetSocketAddress a = new InetSocketAddress(e.host(), e.port());
                    if (a.isUnresolved()) {
                        unresolved.add(e.authority());
                    } else {
                        // Each replica is checked (TLS) and addressed under its own name, not the first entry's.
                        groups.add(new EquivalentAddressGroup(a, Attributes.newBuilder()
                                .set(ContextAffinityLoadBalancer.ENDPOINT_NAME, e.authority())
                                .set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, e.authority()).build()));
                    }
                }
                args.getSynchronizationContext().execute(() -> {
                    resolving = false;
                    if (shutdown) {
                        return;
                    }
                    if (groups.isEmpty()) {
                        listener.onError(Status.UNAVAILABLE.withDescription("none of the sidecar pool's hosts "
                                + "resolve: " + String.join(", ", unresolved) + "; check the sidecarAddress setting"));
                        return;
                    }
                    listener.onResult2(ResolutionResult.newBuilder()
                            .setAddressesOrError(StatusOr.fromValue(groups)).build());
                });
            };
            if (offload != null) {
                offload.execute(lookup);
            } else {
                lookup.run();
            }
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }
    }
}
