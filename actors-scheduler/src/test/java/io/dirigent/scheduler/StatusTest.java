package io.dirigent.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatusTest {

  @Test
  void aSuccessHasNoReasonsAndAFailureAtLeastOne() {
    assertThat(Status.success().isSuccess()).isTrue();
    assertThat(Status.unschedulable("Insufficient cpu", "Insufficient memory").reasons()).containsExactly("Insufficient cpu", "Insufficient memory");
    assertThatThrownBy(() -> new Status(Status.Code.SUCCESS, List.of("why"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(Status::unresolvable).isInstanceOf(IllegalArgumentException.class);
  }
}
