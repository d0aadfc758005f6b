package dev.fumidai.testing;

import java.util.List;
import net.jqwik.api.lifecycle.AroundContainerHook;
import net.jqwik.api.lifecycle.ContainerLifecycleContext;
import net.jqwik.api.lifecycle.PropagationMode;

/**
 * Fails a jqwik container (a class of properties) when Netty reports a leaked buffer during it; the jqwik twin
 * of {@link LeakCheckExtension}, registered through {@code META-INF/services/net.jqwik.api.lifecycle.LifecycleHook}.
 */
public final class LeakCheckHook implements AroundContainerHook {

    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public void beforeContainer(ContainerLifecycleContext context) {
        LeakDetection.install();
        if (context.optionalContainerClass().isPresent()) {
            LeakDetection.collectLeaks();
        }
    }

    @Override
    public void afterContainer(ContainerLifecycleContext context) {
        if (context.optionalContainerClass().isEmpty()) {
            return;
        }
        List<String> leaks = LeakDetection.collectLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " leak(s) in " + context.label() + ":\n"
                    + String.join("\n", leaks));
        }
    }
}
