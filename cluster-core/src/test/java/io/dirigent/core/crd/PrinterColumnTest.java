package io.dirigent.core.crd;

import static io.dirigent.core.crd.CrdFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrinterColumnTest {

  @Test
  void readsAVersionsColumnsInOrderWithTheirDefaults() {
    var version = json("""
        {'name':'v1','additionalPrinterColumns':[
          {'name':'Replicas','type':'integer','format':'int32','description':'how many','priority':0,'jsonPath':'.spec.replicas'},
          {'name':'Image','type':'string','priority':1,'jsonPath':'.spec.image'}]}""");
    assertThat(PrinterColumn.of(version)).containsExactly(
        new PrinterColumn("Replicas", "integer", "int32", "how many", 0, ".spec.replicas"),
        new PrinterColumn("Image", "string", "", "", 1, ".spec.image"));
  }

  @Test
  void aVersionWithoutColumnsIsServedWithKubernetesAgeColumn() {
    assertThat(PrinterColumn.of(json("{'name':'v1'}"))).containsExactly(PrinterColumn.AGE);
    assertThat(PrinterColumn.of(json("{'name':'v1','additionalPrinterColumns':[]}")))
        .containsExactly(PrinterColumn.AGE);
    assertThat(PrinterColumn.AGE.type()).isEqualTo("date");
    assertThat(PrinterColumn.AGE.jsonPath()).isEqualTo(".metadata.creationTimestamp");
  }
}
