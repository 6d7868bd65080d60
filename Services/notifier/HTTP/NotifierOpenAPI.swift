/// The notifier's OpenAPI 3.1 document (its HTTP routes), served at `GET /openapi.json`.
enum NotifierOpenAPI {
    static let document = #"""
{
 "openapi": "3.1.0",
 "info": {
  "title": "Orchestrator notifier",
  "version": "1.0.0",
  "description": "The caller's notifications: the long-poll fallback of the WebSocket feed."
 },
 "servers": [
  {
   "url": "/"
  }
 ],
 "paths": {
  "/api/notifications": {
   "get": {
    "summary": "Notifications after a cursor; waits up to the long-poll timeout when there are none",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "after",
      "in": "query",
      "schema": {
       "type": "integer",
       "minimum": 0
      }
     }
    ],
    "responses": {
     "200": {
      "description": "What the caller has not seen, in order, and the cursor to continue from",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "items",
          "nextCursor"
         ],
         "properties": {
          "items": {
           "type": "array",
           "items": {
            "type": "object",
            "required": [
             "cursor",
             "type",
             "occurredAt",
             "data"
            ],
            "properties": {
             "cursor": {
              "type": "integer"
             },
             "type": {
              "type": "string"
             },
             "occurredAt": {
              "type": "string",
              "format": "date-time"
             },
             "data": {
              "type": "object"
             }
            }
           }
          },
          "nextCursor": {
           "type": "integer"
          }
         }
        }
       }
      }
     },
     "401": {
      "description": "Missing or bad token",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "error"
         ],
         "properties": {
          "error": {
           "type": "object",
           "required": [
            "code",
            "message"
           ],
           "properties": {
            "code": {
             "type": "string"
            },
            "message": {
             "type": "string"
            },
            "field": {
             "type": "string"
            }
           }
          }
         }
        }
       }
      }
     },
     "422": {
      "description": "Invalid cursor",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "error"
         ],
         "properties": {
          "error": {
           "type": "object",
           "required": [
            "code",
            "message"
           ],
           "properties": {
            "code": {
             "type": "string"
            },
            "message": {
             "type": "string"
            },
            "field": {
             "type": "string"
            }
           }
          }
         }
        }
       }
      }
     }
    }
   }
  },
  "/openapi.json": {
   "get": {
    "summary": "This document",
    "security": [],
    "responses": {
     "200": {
      "description": "OpenAPI 3.1",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     }
    }
   }
  }
 },
 "components": {
  "securitySchemes": {
   "bearer": {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT"
   }
  }
 }
}
"""#
}
