package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.store.StoreError;
import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponsesTest {

  @ParameterizedTest(name = "{0}: {1}, Retry-After {2}")
  @CsvSource({
      "UNAVAILABLE, 503, true",
      "TIMEOUT, 504, true",
      "CONFLICT, 409, false",
      "INTERNAL, 500, false"})
  void aStoreFailureThatWillPassSaysWhenToTryAgainAsKubernetesStorageErrorsDo(StoreError.Reason reason, int code, boolean retry) {
    HttpResponse response = Responses.failure(new StoreError(reason, "what happened", List.of()));
    assertThat(response.status().intValue()).isEqualTo(code);
    assertThat(response.getHeader("Retry-After").map(HttpHeader::value)).isEqualTo(retry ? java.util.Optional.of("1") : java.util.Optional.empty());
  }
}
