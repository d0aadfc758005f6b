// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Installs {@link LeakDetection} when the JUnit launcher session opens, before any test creates a buffer. */
public final class LeakCheckSessionListener implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        LeakDetection.install();
    }
}
