package com.helix.migrations.support;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.LambdaRuntime;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Invocations of one handler in a JVM of their own, as a Lambda container runs them: the no-arg
 * constructor (configuration from the environment), then each event with its request id. Prints each
 * result, or the error type and message, on a line starting {@code RESULT }.
 * Usage: {@code ColdInvocation HANDLER_CLASS REQUEST_ID EVENT [REQUEST_ID EVENT …]}.
 */
public final class ColdInvocation {
    private ColdInvocation() {
    }

    public static void main(String[] args) throws Exception {
        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[0]).getConstructor().newInstance();
        for (int i = 1; i + 1 < args.length; i += 2) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                handler.handleRequest(new ByteArrayInputStream(args[i + 1].getBytes(StandardCharsets.UTF_8)), out, context(args[i]));
                System.out.println("RESULT " + out.toString(StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                System.out.println("RESULT " + e.getClass().getName() + ": " + e.getMessage());
            }
        }
    }

    private static Context context(String requestId) {
        return new Context() {
            public String getAwsRequestId() {
                return requestId;
            }

            public String getLogGroupName() {
                return "/aws/lambda/helix-migrate-database";
            }

            public String getLogStreamName() {
                return "2026/11/25/[$LATEST]test";
            }

            public String getFunctionName() {
                return "helix-migrate-database";
            }

            public String getFunctionVersion() {
                return "1";
            }

            public String getInvokedFunctionArn() {
                return "arn:aws:lambda:eu-west-2:123456789012:function:helix-migrate-database:live";
            }

            public CognitoIdentity getIdentity() {
                return null;
            }

            public ClientContext getClientContext() {
                return null;
            }

            public int getRemainingTimeInMillis() {
                return 900_000;
            }

            public int getMemoryLimitInMB() {
                return 1024;
            }

            public LambdaLogger getLogger() {
                return LambdaRuntime.getLogger();
            }
        };
    }
}
