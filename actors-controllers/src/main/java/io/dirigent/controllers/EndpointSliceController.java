package io.dirigent.controllers;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.informer.InformerStore;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.Store;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each Service's EndpointSlices (discovery.k8s.io/v1) beside its Endpoints: the slices
 * {@link EndpointSlices#desired} computes are created or updated, and the service's other slices
 * this controller manages are deleted — all of them when the service is gone or has no selector.
 * Slices another manager labels are left alone. Keys are the services' {@code namespace/name}.
 */
final class EndpointSliceController implements Controller {

  private static final Logger log = LoggerFactory.getLogger(EndpointSliceController.class);

  private final Store store;

  EndpointSliceController(Store store) {
    this.store = store;
  }

  @Override
  public String name() {
    return "endpointslice";
  }

  @Override
  public List<Watch> watches() {
    return List.of(
        new Watch(Service.class, (change, cache) -> List.of(Cache.key(change.object()))),
        new Watch(Pod.class, EndpointsController::servicesOf),
        new Watch(EndpointSlice.class, (change, cache) -> {
          Map<String, String> labels = KubeJson.stringMap(change.object(), "labels");
          String service = labels.get(EndpointSlices.SERVICE_NAME);
          return service == null || !EndpointSlices.CONTROLLER.equals(labels.get(EndpointSlices.MANAGED_BY))
              ? List.of() : List.of(InformerStore.key(KubeJson.namespace(change.object()), service));
        }));
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    String namespace = InformerStore.namespaceOf(key);
    String serviceName = InformerStore.nameOf(key);
    Optional<Service> service = cache.get(Service.class, key);
    List<EndpointSlice> desired = service.isEmpty() || service.get().getSpec().getSelector() == null || service.get().getSpec().getSelector().isEmpty()
        ? List.of() : EndpointSlices.desired(service.get(), cache.list(Pod.class, namespace));
    List<EndpointSlice> existing = cache.list(EndpointSlice.class, namespace).stream()
        .filter(slice -> managedFor(slice, serviceName)).toList();
    List<CompletionStage<?>> writes = new ArrayList<>();
    for (EndpointSlice slice : desired) {
      Optional<EndpointSlice> current = existing.stream().filter(s -> s.getMetadata().getName().equals(slice.getMetadata().getName())).findFirst();
      if (current.isEmpty()) {
        log.debug("service={} creating endpointslice={} endpoints={}", key, slice.getMetadata().getName(), slice.getEndpoints().size());
        writes.add(store.create(slice));
      } else if (!sameContent(current.get(), slice)) {
        log.debug("service={} updating endpointslice={} endpoints={}", key, slice.getMetadata().getName(), slice.getEndpoints().size());
        slice.getMetadata().setResourceVersion(current.get().getMetadata().getResourceVersion());
        writes.add(store.update(slice));
      }
    }
    for (EndpointSlice slice : existing) {
      if (desired.stream().noneMatch(d -> d.getMetadata().getName().equals(slice.getMetadata().getName()))) {
        log.debug("service={} deleting endpointslice={}", key, slice.getMetadata().getName());
        writes.add(store.delete(EndpointSlice.class, namespace, slice.getMetadata().getName(), DeleteOptions.defaults())
            .exceptionally(failure -> null));
      }
    }
    return CompletableFuture.allOf(writes.stream().map(CompletionStage::toCompletableFuture).toArray(CompletableFuture[]::new));
  }

  private static boolean managedFor(EndpointSlice slice, String service) {
    Map<String, String> labels = slice.getMetadata().getLabels() == null ? Map.of() : slice.getMetadata().getLabels();
    return service.equals(labels.get(EndpointSlices.SERVICE_NAME)) && EndpointSlices.CONTROLLER.equals(labels.get(EndpointSlices.MANAGED_BY));
  }

  /** Whether the stored slice already says what the desired one says. */
  private static boolean sameContent(EndpointSlice current, EndpointSlice desired) {
    return KubeJson.sameContent(KubeJson.MAPPER.valueToTree(current.getEndpoints()), KubeJson.MAPPER.valueToTree(desired.getEndpoints()))
        && KubeJson.sameContent(KubeJson.MAPPER.valueToTree(current.getPorts()), KubeJson.MAPPER.valueToTree(desired.getPorts()))
        && KubeJson.sameContent(KubeJson.MAPPER.valueToTree(current.getMetadata().getLabels()), KubeJson.MAPPER.valueToTree(desired.getMetadata().getLabels()))
        && desired.getAddressType().equals(current.getAddressType());
  }
}
