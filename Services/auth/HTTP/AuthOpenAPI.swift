/// The auth service's OpenAPI 3.1 document, served at `GET /openapi.json`.
enum AuthOpenAPI {
    static let document = #"""
{
 "openapi": "3.1.0",
 "info": {
  "title": "Orchestrator auth",
  "version": "1.0.0",
  "description": "Accounts, roles, skills and capacity; HMAC-signed tokens."
 },
 "servers": [
  {
   "url": "/"
  }
 ],
 "paths": {
  "/api/auth/register": {
   "post": {
    "summary": "Register an account (an employee, unless an admin sets role)",
    "security": [
     {},
     {
      "bearer": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/RegisterRequest"
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Created",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/User"
        }
       }
      }
     },
     "400": {
      "description": "Malformed request",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Missing, invalid or expired token",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Not allowed",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "Conflict",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "413": {
      "description": "Body larger than 64 KiB",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "Invalid value",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/auth/login": {
   "post": {
    "summary": "Log in",
    "security": [],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/LoginRequest"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "A token",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/TokenResponse"
        }
       }
      }
     },
     "400": {
      "description": "Malformed request",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Missing, invalid or expired token",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Not allowed",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "413": {
      "description": "Body larger than 64 KiB",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "Invalid value",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "Too many failed logins",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/auth/refresh": {
   "post": {
    "summary": "Trade a valid token for a fresh one",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "A fresh token",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/TokenResponse"
        }
       }
      }
     },
     "401": {
      "description": "Missing, invalid or expired token",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Not allowed",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/auth/me": {
   "get": {
    "summary": "The caller's account",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "The account",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/User"
        }
       }
      }
     },
     "401": {
      "description": "Missing, invalid or expired token",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Not found",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/auth/users": {
   "get": {
    "summary": "List accounts (admin)",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "page",
      "in": "query",
      "schema": {
       "type": "integer",
       "minimum": 0,
       "maximum": 100000
      }
     },
     {
      "name": "size",
      "in": "query",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 100
      }
     },
     {
      "name": "role",
      "in": "query",
      "schema": {
       "type": "string",
       "enum": [
        "ADMIN",
        "EMPLOYEE"
       ]
      }
     },
     {
      "name": "active",
      "in": "query",
      "schema": {
       "type": "boolean"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "A page of accounts",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/UserPage"
        }
       }
      }
     },
     "401": {
      "description": "Missing, invalid or expired token",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Not allowed",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "Invalid value",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/api/auth/users/{id}": {
   "get": {
    "summary": "One account (admin, or the account itself)",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The account",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/User"
        }
       }
      }
     },
     "400": {
      "description": "Malformed request",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Missing, invalid or expired token",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Not allowed",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Not found",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   },
   "patch": {
    "summary": "Change role, skills, capacity or active (admin)",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "format": "uuid"
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/UpdateUserRequest"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The updated account",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/User"
        }
       }
      }
     },
     "400": {
      "description": "Malformed request",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "Missing, invalid or expired token",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "Not allowed",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "Not found",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "413": {
      "description": "Body larger than 64 KiB",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "Invalid value",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
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
  },
  "schemas": {
   "Role": {
    "type": "string",
    "enum": [
     "ADMIN",
     "EMPLOYEE"
    ]
   },
   "User": {
    "type": "object",
    "required": [
     "id",
     "username",
     "fullName",
     "email",
     "role",
     "skills",
     "capacity",
     "active",
     "createdAt",
     "updatedAt"
    ],
    "properties": {
     "id": {
      "type": "string",
      "format": "uuid"
     },
     "username": {
      "type": "string"
     },
     "fullName": {
      "type": "string"
     },
     "email": {
      "type": "string"
     },
     "role": {
      "$ref": "#/components/schemas/Role"
     },
     "skills": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "capacity": {
      "type": "integer",
      "minimum": 1,
      "maximum": 50
     },
     "active": {
      "type": "boolean"
     },
     "createdAt": {
      "type": "string",
      "format": "date-time"
     },
     "updatedAt": {
      "type": "string",
      "format": "date-time"
     }
    }
   },
   "Error": {
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
       },
       "errors": {
        "type": "array",
        "description": "Every invalid field when there are several (registration)",
        "items": {
         "type": "object",
         "required": [
          "field",
          "message"
         ],
         "properties": {
          "field": {
           "type": "string"
          },
          "message": {
           "type": "string"
          }
         }
        }
       },
       "retryAfter": {
        "type": "string",
        "description": "Throttled logins: seconds until another attempt is allowed (also the Retry-After header)"
       }
      }
     }
    }
   },
   "RegisterRequest": {
    "type": "object",
    "required": [
     "username",
     "password",
     "fullName",
     "email"
    ],
    "properties": {
     "username": {
      "type": "string",
      "minLength": 3,
      "maxLength": 64,
      "pattern": "^[a-z0-9._-]+$"
     },
     "password": {
      "type": "string",
      "minLength": 8,
      "maxLength": 128
     },
     "fullName": {
      "type": "string",
      "minLength": 1,
      "maxLength": 200
     },
     "email": {
      "type": "string",
      "maxLength": 254
     },
     "role": {
      "anyOf": [
       {
        "$ref": "#/components/schemas/Role"
       },
       {
        "type": "null"
       }
      ],
      "description": "EMPLOYEE unless an admin sets ADMIN (on registration). Null or left out: not given."
     },
     "skills": {
      "type": [
       "array",
       "null"
      ],
      "maxItems": 32,
      "items": {
       "type": "string",
       "minLength": 1,
       "maxLength": 64
      },
      "description": "Null or left out: not given."
     },
     "capacity": {
      "type": [
       "integer",
       "null"
      ],
      "minimum": 1,
      "maximum": 50,
      "description": "Null or left out: not given."
     }
    }
   },
   "LoginRequest": {
    "type": "object",
    "required": [
     "username",
     "password"
    ],
    "properties": {
     "username": {
      "type": "string"
     },
     "password": {
      "type": "string"
     }
    }
   },
   "UpdateUserRequest": {
    "type": "object",
    "properties": {
     "role": {
      "anyOf": [
       {
        "$ref": "#/components/schemas/Role"
       },
       {
        "type": "null"
       }
      ],
      "description": "EMPLOYEE unless an admin sets ADMIN (on registration). Null or left out: not given."
     },
     "skills": {
      "type": [
       "array",
       "null"
      ],
      "maxItems": 32,
      "items": {
       "type": "string",
       "minLength": 1,
       "maxLength": 64
      },
      "description": "Null or left out: not given."
     },
     "capacity": {
      "type": [
       "integer",
       "null"
      ],
      "minimum": 1,
      "maximum": 50,
      "description": "Null or left out: not given."
     },
     "active": {
      "type": [
       "boolean",
       "null"
      ],
      "description": "Null or left out: not given."
     }
    }
   },
   "TokenResponse": {
    "type": "object",
    "required": [
     "token",
     "expiresAt",
     "user"
    ],
    "properties": {
     "token": {
      "type": "string"
     },
     "expiresAt": {
      "type": "string",
      "format": "date-time"
     },
     "user": {
      "$ref": "#/components/schemas/User"
     }
    }
   },
   "UserPage": {
    "type": "object",
    "required": [
     "items",
     "page",
     "size",
     "total"
    ],
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/User"
      }
     },
     "page": {
      "type": "integer"
     },
     "size": {
      "type": "integer"
     },
     "total": {
      "type": "integer"
     }
    }
   }
  }
 }
}
"""#
}
