// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Reservation;

/** Finds the one running EC2 instance with a Name tag; loaded only when the EC2 SDK module is present. */
final class Ec2Lookup {

    /** Bounds the pages read: a Name tag that matches more than a few instances is an error anyway. */
    private static final int MAX_PAGES = 5;

    private Ec2Lookup() {
    }

    static String instanceByName(AwsSdkSsmApi.Builder clients, String name) {
        List<String> ids = new ArrayList<>();
        try (Ec2Client ec2 = clients.configure(Ec2Client.builder()).build()) {
            String token = null;
            int pages = 0;
            do {
                String next = token;
                DescribeInstancesResponse r = ec2.describeInstances(b -> b.filters(
                        Filter.builder().name("tag:Name").values(name).build(),
                        Filter.builder().name("instance-state-name").values("running").build()).nextToken(next));
                for (Reservation res : r.reservations()) {
                    for (Instance i : res.instances()) {
                        ids.add(i.instanceId());
                    }
                }
                token = r.nextToken();
            } while (token != null && !token.isEmpty() && ++pages < MAX_PAGES);
        } catch (SdkException e) {
            throw new IllegalArgumentException("EC2 DescribeInstances for Name tag \"" + name + "\" failed: "
                    + e.getMessage(), e);
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("no running EC2 instance has the Name tag \"" + name + "\"");
        }
        if (ids.size() > 1) {
            throw new IllegalArgumentException(ids.size() + " running EC2 instances have the Name tag \"" + name
                    + "\": " + String.join(", ", ids) + "; give one instance id instead");
        }
        return ids.get(0);
    }
}
