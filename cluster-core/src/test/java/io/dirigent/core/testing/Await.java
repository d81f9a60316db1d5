package io.dirigent.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Waiting with deadlines, never sleeping for a fixed time. */
public final class Await {

  private Await() {}

  /** The stage's value, failing the test if it fails or takes longer than 30 s. */
  public static <T> T result(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("operation failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("operation did not complete within 30 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The store error the stage fails with, failing the test if it succeeds. */
  public static StoreError error(CompletionStage<?> stage) {
    try {
      Object value = stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
      return fail("expected a store error, got " + value);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(StoreException.class);
      return ((StoreException) e.getCause()).error();
    } catch (TimeoutException e) {
      throw new AssertionError("operation did not complete within 30 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Polls {@code condition} until it holds, failing with {@code what} after {@code timeout}. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** A condition that may throw while it does not hold yet (a command that fails, a server not up). */
  @FunctionalInterface
  public interface Check {
    boolean holds() throws Exception;
  }

  /** Like {@link #until(String, Duration, BooleanSupplier)}, counting a throw of {@code check} as "not yet". */
  public static void untilQuietly(String what, Duration timeout, Check check) {
    until(what, timeout, () -> {
      try {
        return check.holds();
      } catch (Exception e) {
        return false;
      }
    });
  }
}
