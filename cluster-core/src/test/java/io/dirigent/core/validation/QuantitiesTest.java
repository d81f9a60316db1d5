package io.dirigent.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantitiesTest {

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
      "1, 1", "500m, 0.5", "0.5, 0.5", "1.5Gi, 1610612736", "128Mi, 134217728", "1k, 1000", "1e3, 1000", "2E-3, 0.002",
      "-1, -1", "+2, 2", ".5, 0.5", "5., 5", "100n, 0.0000001", "1Ei, 1152921504606846976",
  })
  void quantitiesAmountToWhatKubernetesReadsThemAs(String text, String amount) {
    assertThat(Quantities.amount(text)).hasValueSatisfying(value -> assertThat(value).isEqualByComparingTo(new BigDecimal(amount)));
  }

  @ParameterizedTest(name = "\"{0}\" is no quantity")
  @ValueSource(strings = {"", "lots", "1 Gi", "1GB", "1Kii", "1..2", "0x10", "1e", "1e1234", "1e2147483647", "Mi", "--1", "1mi", "NaN", "Infinity"})
  void otherTextIsNoQuantity(String text) {
    assertThat(Quantities.amount(text)).isEmpty();
  }
}
