package io.drover.capacity.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.capacity.CapacityError;
import io.drover.capacity.ErrorKind;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;

class Ec2ErrorsTest {

  private final Ec2Errors errors = new Ec2Errors(Region.EU_WEST_1);

  private CapacityError of(String code, String message) {
    return errors.of("RunInstances", code, message, true, "batch", "c5.large", "subnet-a");
  }

  @Test
  void classifiesEc2sCodes() {
    Map<String, ErrorKind> kinds = Map.ofEntries(
        Map.entry("InsufficientInstanceCapacity", ErrorKind.CAPACITY),
        Map.entry("InsufficientHostCapacity", ErrorKind.CAPACITY),
        Map.entry("SpotMaxPriceTooLow", ErrorKind.CAPACITY),
        Map.entry("UnfulfillableCapacity", ErrorKind.CAPACITY),
        Map.entry("MaxSpotInstanceCountExceeded", ErrorKind.CAPACITY),
        Map.entry("InsufficientFreeAddressesInSubnet", ErrorKind.CAPACITY),
        Map.entry("Unsupported", ErrorKind.CAPACITY),
        Map.entry("RequestLimitExceeded", ErrorKind.THROTTLED),
        Map.entry("Throttling", ErrorKind.THROTTLED),
        Map.entry("InstanceLimitExceeded", ErrorKind.LIMIT),
        Map.entry("VcpuLimitExceeded", ErrorKind.LIMIT),
        Map.entry("UnauthorizedOperation", ErrorKind.CONFIG),
        Map.entry("AuthFailure", ErrorKind.CONFIG),
        Map.entry("InvalidSubnetID.NotFound", ErrorKind.CONFIG),
        Map.entry("InvalidLaunchTemplateId.NotFound", ErrorKind.CONFIG),
        Map.entry("InvalidAMIID.NotFound", ErrorKind.CONFIG),
        Map.entry("InvalidParameterValue", ErrorKind.CONFIG),
        Map.entry("OptInRequired", ErrorKind.CONFIG));
    kinds.forEach((code, kind) -> assertEquals(kind, of(code, "...").kind(), code));
    assertEquals(ErrorKind.TRANSIENT, errors.of("CreateFleet", "InternalError", "...", false, null, null, null).kind());
    assertEquals(ErrorKind.CONFIG, errors.of("CreateFleet", "SomethingNew", "...", true, null, null, null).kind());
  }

  @Test
  void configurationMessagesSayWhatToFix() {
    assertTrue(of("InvalidSubnetID.NotFound", "The subnet ID 'subnet-a' does not exist").message()
        .contains("Fix the compute environment's subnets"));
    assertTrue(of("InvalidAMIID.NotFound", "...").message().contains("imageId"));
    assertTrue(of("InvalidLaunchTemplateName.NotFoundException", "...").message().contains("launchTemplate"));
    assertTrue(of("InvalidGroup.NotFound", "...").message().contains("securityGroupIds"));
    assertTrue(of("InvalidKeyPair.NotFound", "...").message().contains("ec2KeyPair"));
    assertTrue(of("InvalidParameterValue", "Value (drover) for parameter iamInstanceProfile.name is invalid.")
        .message().contains("instanceRole"));
    String unauthorized = of("UnauthorizedOperation", "You are not authorized to perform this operation.").message();
    assertTrue(unauthorized.contains(Ec2Errors.CONTROLLER_PERMISSIONS), unauthorized);
    assertTrue(of("VcpuLimitExceeded", "...").message().contains("Service Quotas"));
  }

  @Test
  void anUnreachableEndpointIsTransientAndSaysWhatToCheck() {
    CapacityError error = errors.of(SdkClientException.create("Unable to execute HTTP request: Connect timed out"),
        "CreateFleet", "batch", null, null);

    assertEquals(ErrorKind.TRANSIENT, error.kind());
    assertTrue(error.message().contains("eu-west-1") && error.message().contains("NAT gateway"), error.message());
  }
}
