// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm;

import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/** Finds an ECS container's runtime id with DescribeTasks; loaded only when the ECS SDK module is present. */
final class EcsLookup {

    private EcsLookup() {
    }

    static String runtimeTarget(AwsSdkSsmApi.Builder clients, String cluster, String task, String container) {
        String what = "ECS task " + task + " in cluster " + cluster;
        try (EcsClient ecs = clients.configure(EcsClient.builder()).build()) {
            DescribeTasksResponse r = ecs.describeTasks(b -> b.cluster(cluster).tasks(task));
            if (r.tasks().isEmpty()) {
                String why = r.failures().isEmpty() ? "not found" : r.failures().get(0).reason();
                throw new IllegalArgumentException(what + ": " + why);
            }
            Task t = r.tasks().get(0);
            String arn = t.taskArn() == null ? task : t.taskArn();
            String taskId = arn.substring(arn.lastIndexOf('/') + 1);
            List<Container> cs = t.containers();
            for (Container c : cs) {
                if (container.equals(c.name())) {
                    if (c.runtimeId() == null || c.runtimeId().isEmpty()) {
                        throw new IllegalArgumentException(what + ": container " + container
                                + " has no runtime id (status " + c.lastStatus() + ")");
                    }
                    return StartSessionRequest.ecsTarget(cluster, taskId, c.runtimeId());
                }
            }
            throw new IllegalArgumentException(what + " has no container " + container + "; it has "
                    + cs.stream().map(Container::name).toList());
        } catch (SdkException e) {
            throw new IllegalArgumentException(what + ": DescribeTasks failed: " + e.getMessage(), e);
        }
    }
}
