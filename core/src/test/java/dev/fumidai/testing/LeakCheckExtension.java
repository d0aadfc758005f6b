// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a JUnit Jupiter test class when Netty reports a leaked buffer during it. Registered for every test by
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension} with extension auto-detection on.
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        LeakDetection.install();
        List<String> earlier = LeakDetection.collectLeaks();
        if (!earlier.isEmpty()) {
            throw new AssertionError("Netty reported " + earlier.size() + " leak(s) before "
                    + context.getDisplayName() + " (from an earlier class):\n" + String.join("\n", earlier));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> leaks = LeakDetection.collectLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " leak(s) in " + context.getDisplayName()
                    + ":\n" + String.join("\n", leaks));
        }
    }
}
